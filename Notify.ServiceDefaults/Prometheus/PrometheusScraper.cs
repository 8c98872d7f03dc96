// This folder exists because OpenTelemetry.Exporter.Prometheus.AspNetCore (and .HttpListener) is missing from the
// package registry this repository builds against. It is a small pull exporter of Notify's own: a
// BaseExporter<Metric> under a BaseExportingMetricReader that the OpenTelemetry SDK only collects when /metrics is
// scraped, writing the Prometheus text format 0.0.4 and OpenMetrics 1.0 per the OpenTelemetry "Prometheus and
// OpenMetrics compatibility" specification. Swap it for the official exporter once the package is available.

using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Notify.ServiceDefaults.Prometheus;

/// <summary>One collection, already serialised in both formats.</summary>
public sealed class PrometheusScrape
{
    private readonly byte[] _text004;
    private readonly byte[] _openMetrics;

    internal PrometheusScrape(byte[] text004, byte[] openMetrics, long collectedAt)
    {
        _text004 = text004;
        _openMetrics = openMetrics;
        CollectedAt = collectedAt;
    }

    /// <summary>The <see cref="TimeProvider"/> timestamp of the collection.</summary>
    internal long CollectedAt { get; }

    public ReadOnlyMemory<byte> Body(PrometheusFormat format) => format == PrometheusFormat.OpenMetrics100 ? _openMetrics : _text004;

    public string Text(PrometheusFormat format) => System.Text.Encoding.UTF8.GetString(Body(format).Span);

    public static string ContentType(PrometheusFormat format) =>
        format == PrometheusFormat.OpenMetrics100 ? PrometheusText.OpenMetricsContentType : PrometheusText.Text004ContentType;
}

/// <summary>
/// The pull side of the Prometheus endpoint: add <see cref="Reader"/> to a MeterProvider, then
/// <see cref="ScrapeAsync"/> collects on demand. Concurrent scrapes share one collection, and a collection is reused
/// for <c>cacheFor</c> (1 s by default) so a burst of scrapers costs one collection; request threads only await it.
/// </summary>
public sealed class PrometheusScraper
{
    private readonly PullExporter _exporter;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cacheFor;
    private readonly int _collectTimeoutMilliseconds;
    private readonly Lock _gate = new();
    private PrometheusScrape? _last;
    private Task<PrometheusScrape?>? _inFlight;

    public PrometheusScraper(TimeSpan? cacheFor = null, TimeProvider? time = null, TimeSpan? collectTimeout = null)
    {
        _time = time ?? TimeProvider.System;
        _cacheFor = cacheFor ?? TimeSpan.FromSeconds(1);
        _collectTimeoutMilliseconds = (int)(collectTimeout ?? TimeSpan.FromSeconds(10)).TotalMilliseconds;
        _exporter = new PullExporter(_time);
        Reader = new BaseExportingMetricReader(_exporter)
        {
            // Prometheus expects running totals.
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        };
    }

    /// <summary>Owned by the MeterProvider it is added to (disposed with it).</summary>
    public MetricReader Reader { get; }

    /// <summary>The latest collection, or null when the MeterProvider is gone or the collection failed.</summary>
    public Task<PrometheusScrape?> ScrapeAsync(CancellationToken cancellationToken = default)
    {
        Task<PrometheusScrape?> task;
        lock (_gate)
        {
            var last = _last;
            if (last is not null && _time.GetElapsedTime(last.CollectedAt) < _cacheFor)
            {
                return Task.FromResult<PrometheusScrape?>(last);
            }

            // Collect() is synchronous CPU work; it runs off the request thread and every concurrent scraper awaits it.
            task = _inFlight ??= Task.Run(CollectOnce, CancellationToken.None);
        }

        return task.WaitAsync(cancellationToken);
    }

    private PrometheusScrape? CollectOnce()
    {
        PrometheusScrape? result = null;
        try
        {
            if (Reader.Collect(_collectTimeoutMilliseconds))
            {
                result = _exporter.Latest;
            }
        }
        catch (ObjectDisposedException)
        {
            // The MeterProvider was disposed with the host: there is nothing to collect any more.
        }
        finally
        {
            lock (_gate)
            {
                if (result is not null)
                {
                    _last = result;
                }

                _inFlight = null;
            }
        }

        return result;
    }

    /// <summary>Serialises inside Export: the SDK's metric points are only valid for the duration of the call.</summary>
    private sealed class PullExporter(TimeProvider time) : BaseExporter<Metric>
    {
        private volatile PrometheusScrape? _latest;

        public PrometheusScrape? Latest => _latest;

        public override ExportResult Export(in Batch<Metric> batch)
        {
            var resource = ParentProvider?.GetResource();
            var (text, openMetrics) = PrometheusText.Write(batch, resource);
            _latest = new PrometheusScrape(text, openMetrics, time.GetTimestamp());
            return ExportResult.Success;
        }
    }
}
