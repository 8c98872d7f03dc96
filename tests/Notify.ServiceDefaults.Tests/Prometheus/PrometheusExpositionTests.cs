using System.Diagnostics.Metrics;
using Notify.ServiceDefaults.Prometheus;
using Notify.ServiceDefaults.Tests.Fixtures;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Notify.ServiceDefaults.Tests.Prometheus;

/// <summary>
/// The exposition from a real MeterProvider with the pull reader: record, scrape, read the text. Each test has a
/// meter of its own, so parallel tests do not see each other's instruments.
/// </summary>
public sealed class PrometheusExpositionTests : IDisposable
{
    private readonly string _meterName = "Notify.Test.Exposition." + Guid.NewGuid().ToString("N")[..8];
    private readonly Meter _meter;
    private readonly PrometheusScraper _scraper = new(cacheFor: TimeSpan.Zero);
    private readonly MeterProvider _provider;

    public PrometheusExpositionTests()
    {
        _meter = new Meter(_meterName);
        _provider = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("notify-test", serviceInstanceId: "instance-1"))
            .AddMeter(_meterName)
            .AddView("notify.test.delivery.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [0.1, 1, 10] })
            .AddReader(_scraper.Reader)
            .Build();
    }

    public void Dispose()
    {
        _provider.Dispose();
        _meter.Dispose();
    }

    private string Scope => $"otel_scope_name=\"{_meterName}\"";

    private async Task<string> ScrapeAsync(PrometheusFormat format = PrometheusFormat.Text004)
    {
        var scrape = await _scraper.ScrapeAsync(TestContext.Current.CancellationToken);
        Assert.NotNull(scrape);
        return scrape.Text(format);
    }

    [Fact]
    public async Task Should_expose_a_counter_with_the_total_suffix_when_the_instrument_is_monotonic()
    {
        _meter.CreateCounter<long>("notify.test.events.accepted", "{event}", "Events accepted.").Add(3, new KeyValuePair<string, object?>("priority", "high"));

        var text = await ScrapeAsync();

        Assert.Contains("# HELP notify_test_events_accepted_total Events accepted.\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE notify_test_events_accepted_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains($"notify_test_events_accepted_total{{{Scope},priority=\"high\"}} 3\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_not_double_the_total_suffix_when_the_counter_name_already_ends_with_it()
    {
        _meter.CreateCounter<long>("notify.test.retries_total").Add(1);

        var text = await ScrapeAsync();

        Assert.Contains($"notify_test_retries_total{{{Scope}}} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("retries_total_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_append_unit_suffixes_when_the_instrument_has_a_unit()
    {
        _meter.CreateCounter<long>("notify.test.sent", "By").Add(10);
        _meter.CreateCounter<long>("notify.test.calls", "{call}").Add(1);
        _meter.CreateCounter<long>("notify.test.dimensionless", "1").Add(1);
        _meter.CreateGauge<double>("notify.test.utilization", "1").Record(0.25);
        _meter.CreateCounter<double>("notify.test.throughput", "By/s").Add(2);
        _meter.CreateCounter<double>("notify.test.cpu.time_seconds", "s").Add(2);

        var text = await ScrapeAsync();

        Assert.Contains("\nnotify_test_sent_bytes_total{", text, StringComparison.Ordinal);
        Assert.Contains("\nnotify_test_calls_total{", text, StringComparison.Ordinal);
        Assert.Contains("\nnotify_test_dimensionless_total{", text, StringComparison.Ordinal);
        Assert.Contains($"\nnotify_test_utilization_ratio{{{Scope}}} 0.25\n", text, StringComparison.Ordinal);
        Assert.Contains("\nnotify_test_throughput_bytes_per_second_total{", text, StringComparison.Ordinal);
        Assert.Contains("\nnotify_test_cpu_time_seconds_total{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("seconds_seconds", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_write_cumulative_buckets_with_inf_sum_and_count_when_the_instrument_is_a_histogram()
    {
        var histogram = _meter.CreateHistogram<double>("notify.test.delivery.duration", "s", "Accepted to terminal.");
        var email = new KeyValuePair<string, object?>("channel", "email");
        foreach (var value in new[] { 0.05, 0.5, 0.5, 5, 50 })
        {
            histogram.Record(value, email);
        }

        var text = await ScrapeAsync();

        var labels = $"channel=\"email\",{Scope}";
        Assert.Contains("# TYPE notify_test_delivery_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains(
            $"notify_test_delivery_duration_seconds_bucket{{{labels},le=\"0.1\"}} 1\n" +
            $"notify_test_delivery_duration_seconds_bucket{{{labels},le=\"1\"}} 3\n" +
            $"notify_test_delivery_duration_seconds_bucket{{{labels},le=\"10\"}} 4\n" +
            $"notify_test_delivery_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 5\n" +
            $"notify_test_delivery_duration_seconds_sum{{{labels}}} 56.05\n" +
            $"notify_test_delivery_duration_seconds_count{{{labels}}} 5\n",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_expose_gauges_when_the_instrument_is_an_up_down_counter_or_a_gauge()
    {
        _meter.CreateUpDownCounter<long>("notify.test.inflight", "{message}", "Messages in flight.").Add(-2);
        _meter.CreateObservableGauge("notify.test.oldest.age", () => 12.5, "s", "Age of the oldest message.");
        _meter.CreateUpDownCounter<long>("notify.test.lane.count").Add(4);

        var text = await ScrapeAsync();

        Assert.Contains("# TYPE notify_test_inflight gauge\n", text, StringComparison.Ordinal);
        Assert.Contains($"notify_test_inflight{{{Scope}}} -2\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE notify_test_oldest_age_seconds gauge\n", text, StringComparison.Ordinal);
        Assert.Contains($"notify_test_oldest_age_seconds{{{Scope}}} 12.5\n", text, StringComparison.Ordinal);
        // _count is reserved for histogram series.
        Assert.Contains($"notify_test_lane_count_current{{{Scope}}} 4\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_escape_label_values_and_sanitise_label_names_when_tags_need_it()
    {
        _meter.CreateCounter<long>("notify.test.escaped").Add(1,
            new KeyValuePair<string, object?>("reason", "a\\b\"c\nd"),
            new KeyValuePair<string, object?>("http.request.method", "GET"),
            new KeyValuePair<string, object?>("2xx", true));

        var text = await ScrapeAsync();

        Assert.Contains(
            $"notify_test_escaped_total{{key_2xx=\"true\",http_request_method=\"GET\",{Scope},reason=\"a\\\\b\\\"c\\nd\"}} 1\n",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_sanitise_metric_names_when_they_contain_characters_prometheus_does_not_allow()
    {
        // The SDK itself only lets letters, digits, '_', '.', '-' and '/' through, starting with a letter.
        _meter.CreateCounter<long>("notify.test/lane-depth..x").Add(1);

        var text = await ScrapeAsync();

        Assert.Contains($"\nnotify_test_lane_depth_x_total{{{Scope}}} 1\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http.server.request.duration", "http_server_request_duration")]
    [InlineData("a-b/c d\u00b5e", "a_b_c_d_e")]
    [InlineData("9lives", "_9lives")]
    [InlineData("ok:colon", "ok:colon")]
    public void Should_replace_invalid_characters_when_sanitising_a_metric_name(string name, string expected) =>
        Assert.Equal(expected, PrometheusNames.MetricName(name));

    [Theory]
    [InlineData("http.request.method", "http_request_method")]
    [InlineData("2xx", "key_2xx")]
    [InlineData("a:b", "a_b")]
    public void Should_replace_invalid_characters_when_sanitising_a_label_name(string name, string expected) =>
        Assert.Equal(expected, PrometheusNames.LabelName(name));

    [Fact]
    public async Task Should_merge_label_names_with_a_semicolon_when_two_tags_sanitise_to_the_same_name()
    {
        _meter.CreateCounter<long>("notify.test.collide").Add(1,
            new KeyValuePair<string, object?>("a.b", "1"),
            new KeyValuePair<string, object?>("a_b", "2"));

        var text = await ScrapeAsync();

        Assert.Contains($"notify_test_collide_total{{a_b=\"1;2\",{Scope}}} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_write_target_info_with_the_resource_attributes_in_both_formats()
    {
        _meter.CreateCounter<long>("notify.test.anything").Add(1);

        var text = await ScrapeAsync();
        var openMetrics = await ScrapeAsync(PrometheusFormat.OpenMetrics100);

        Assert.Contains("# TYPE target_info gauge\n", text, StringComparison.Ordinal);
        Assert.Matches("\ntarget_info\\{[^}]*service_instance_id=\"instance-1\"[^}]*service_name=\"notify-test\"[^}]*\\} 1\n", text);
        Assert.Contains("# TYPE target info\n", openMetrics, StringComparison.Ordinal);
        Assert.Matches("\ntarget_info\\{[^}]*service_name=\"notify-test\"[^}]*\\} 1\n", openMetrics);
    }

    [Fact]
    public async Task Should_end_with_eof_and_name_counter_families_without_total_when_the_format_is_openmetrics()
    {
        _meter.CreateCounter<long>("notify.test.deliveries", "{delivery}", "Deliveries.").Add(2);
        _meter.CreateHistogram<double>("notify.test.delivery.duration", "s").Record(0.5);

        var openMetrics = await ScrapeAsync(PrometheusFormat.OpenMetrics100);
        var text = await ScrapeAsync();

        Assert.EndsWith("# EOF\n", openMetrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE notify_test_deliveries counter\n", openMetrics, StringComparison.Ordinal);
        Assert.Contains($"\nnotify_test_deliveries_total{{{Scope}}} 2\n", openMetrics, StringComparison.Ordinal);
        Assert.Contains("# UNIT notify_test_delivery_duration_seconds seconds\n", openMetrics, StringComparison.Ordinal);
        Assert.DoesNotContain("# EOF", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_reuse_one_collection_when_scrapes_come_within_the_cache_duration()
    {
        var time = new ManualTimeProvider();
        var scraper = new PrometheusScraper(cacheFor: TimeSpan.FromSeconds(1), time: time);
        var name = _meterName + ".cached";
        using var meter = new Meter(name);
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(name).AddReader(scraper.Reader).Build();
        var counter = meter.CreateCounter<long>("notify.test.cached");
        counter.Add(1);
        var ct = TestContext.Current.CancellationToken;

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => scraper.ScrapeAsync(ct)));
        counter.Add(1);
        var cached = await scraper.ScrapeAsync(ct);
        time.Advance(TimeSpan.FromSeconds(2));
        var fresh = await scraper.ScrapeAsync(ct);

        Assert.All(concurrent, s => Assert.Same(concurrent[0], s));
        Assert.Same(concurrent[0], cached);
        Assert.Contains("notify_test_cached_total{otel_scope_name=\"" + name + "\"} 1\n", cached!.Text(PrometheusFormat.Text004), StringComparison.Ordinal);
        Assert.Contains("notify_test_cached_total{otel_scope_name=\"" + name + "\"} 2\n", fresh!.Text(PrometheusFormat.Text004), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", PrometheusFormat.OpenMetrics100)]
    [InlineData("application/openmetrics-text; version=1.0.0", PrometheusFormat.OpenMetrics100)]
    [InlineData("text/plain;version=0.0.4", PrometheusFormat.Text004)]
    [InlineData("application/openmetrics-text;q=0.1,text/plain;q=0.5", PrometheusFormat.Text004)]
    [InlineData("*/*", PrometheusFormat.Text004)]
    [InlineData("", PrometheusFormat.Text004)]
    public void Should_choose_the_format_the_scraper_ranks_highest_when_negotiating(string accept, PrometheusFormat expected) =>
        Assert.Equal(expected, PrometheusEndpoint.Negotiate(accept));
}
