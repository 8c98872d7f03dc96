using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Notify.Aws.Tests.Fixtures;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Worker.Tests.Delivery;

/// <summary>The delivery path with the worker run as a separate process, so that a test can kill it with SIGKILL.</summary>
public sealed class WorkerCrashFixture : DeliveryFixture
{
    /// <summary>Lane handlers at once: bounds the claims a kill can cut, hence the emails that may go out twice.</summary>
    public const int LaneConcurrency = 8;

    /// <summary>
    /// Claims and lane messages cut by a kill come back within seconds: the shortest claim lease the options allow, and a
    /// lane lease of the same length (renewed every 2 s while a handler runs).
    /// </summary>
    private static readonly Dictionary<string, string?> CrashSettings = new()
    {
        ["Notify:Worker:Delivery:ClaimLease"] = "00:00:05",
        ["Notify:Worker:Lanes:VisibilityTimeout"] = "00:00:05",
        ["Notify:Worker:Lanes:ExtendAfter"] = "00:00:02",
        ["Notify:Worker:Lanes:MaxConcurrency"] = LaneConcurrency.ToString(CultureInfo.InvariantCulture),

        // The API enqueues every event here, so the sweep has nothing to find; at the fast fixture's 200 ms its 8 shard
        // queries per sweep would be most of moto's load.
        ["Notify:Sweep:Interval"] = "00:00:05",
    };

    protected override bool StartWorkerInProcess => false;

    protected override IEnumerable<KeyValuePair<string, string?>> WorkerSettings => CrashSettings;

    /// <summary>Everything the in-process worker would get, later sources winning, for a worker started as its own <see cref="HostProcess"/>.</summary>
    public IReadOnlyDictionary<string, string?> WorkerProcessSettings
    {
        get
        {
            var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in SharedSettings.Concat(FastWorkerSettings).Concat(WorkerSettings))
            {
                settings[key] = value;
            }

            return settings;
        }
    }
}

/// <summary>
/// The worker killed mid-flight (SIGKILL, no graceful shutdown) and restarted, twice: every event still completes, the
/// in-app inbox counts each notification once, and an email goes out again only when a kill cut its claim between the SES
/// call and the outcome's write (the documented at-least-once choice for email), never more often than claims were cut.
/// </summary>
[Trait("Category", "Slow")]
public sealed class WorkerCrashTests(WorkerCrashFixture fixture) : IClassFixture<WorkerCrashFixture>, IDisposable
{
    private const int Events = 60;

    private HostProcess? _worker;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task Should_finish_every_event_with_inbox_counted_once_when_the_worker_is_killed_and_restarted_mid_delivery()
    {
        var started = Stopwatch.StartNew();
        var eventType = DeliveryFixture.NewId("crash");
        var run = Guid.NewGuid().ToString("N")[..8];
        await fixture.PutTemplateAsync(eventType, "email", "en", new { subject = "{{subject}}", text = "About {{subject}}" });
        await fixture.PutTemplateAsync(eventType, "in_app", "en", new { title = "{{subject}}", body = "About {{subject}}" });
        var work = Enumerable.Range(0, Events)
            .Select(i => (EventId: DeliveryFixture.NewId("evt"), User: DeliveryFixture.NewId("u"), Subject: $"crash {run} #{i}"))
            .ToList();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (w, _) =>
        {
            await fixture.PutContactAsync(w.User, new { email = $"{w.User}@example.com" });
            await fixture.PostEventAsync(new
            {
                eventId = w.EventId,
                eventType,
                userId = w.User,
                payload = new { subject = w.Subject },
                channels = new[] { "email", "in_app" },
            });
        });
        var subjects = work.Select(w => w.Subject).ToHashSet(StringComparer.Ordinal);

        Output?.WriteLine($"{started.Elapsed.TotalSeconds:0.0} s: {Events} events accepted");

        // Each SES call takes a while, so that the lanes hold work and claims are in flight whenever the kill comes. The
        // proxy counts the calls SES answered: the progress, without asking moto (its state dump is slow under load).
        var sesCalls = 0;
        Action<ProxiedRequest, Fault> answered = (_, _) => Interlocked.Increment(ref sesCalls);
        fixture.Proxy.FaultInjected += answered;
        fixture.Proxy.Add(FaultRule.Always(new Fault.Latency(TimeSpan.FromMilliseconds(300)), FaultRule.PathStartsWith("/v2/email/outbound-emails")));
        var killedAt = new List<int>();
        try
        {
            _worker = HostProcess.Start("Notify.Worker", fixture.WorkerProcessSettings);
            var sent = await WaitForSesCallsAsync(() => Volatile.Read(ref sesCalls), 5);
            await KillAsync();
            killedAt.Add(sent);
            Output?.WriteLine($"{started.Elapsed.TotalSeconds:0.0} s: killed after {sent} emails");
            Assert.True(sent < Events, $"every email went out ({sent}) before the first kill: the kill cut nothing");

            _worker = HostProcess.Start("Notify.Worker", fixture.WorkerProcessSettings);
            sent = await WaitForSesCallsAsync(() => Volatile.Read(ref sesCalls), Math.Min(sent + 10, Events));
            if (sent < Events)
            {
                await KillAsync();
                killedAt.Add(sent);
                Output?.WriteLine($"{started.Elapsed.TotalSeconds:0.0} s: killed again after {sent} emails");
                _worker = HostProcess.Start("Notify.Worker", fixture.WorkerProcessSettings);
            }

            var final = await WaitForAllFinalAsync(work.Select(w => w.EventId).ToList(), TimeSpan.FromSeconds(240));
            Output?.WriteLine($"{started.Elapsed.TotalSeconds:0.0} s: every event final");

            // Nothing may send after this point; the worker's polling would only slow moto's state dump below.
            _worker.Dispose();
            _worker = null;

            // None lost: every event completed, both channels sent.
            foreach (var (eventId, @event) in final)
            {
                Assert.True(@event.GetProperty("status").GetString() == "completed", $"event {eventId} ended as {@event}");
                Assert.Equal("sent", DeliveryFixture.ChannelStatus(@event, "email"));
                Assert.Equal("sent", DeliveryFixture.ChannelStatus(@event, "in_app"));
            }

            // The inbox: one item and one unread per user, however often its claim was taken over.
            await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (w, _) =>
            {
                var inbox = await InboxAsync(w.User);
                Assert.Equal(1, inbox.GetProperty("unreadCount").GetInt32());
                var item = Assert.Single(inbox.GetProperty("items").EnumerateArray());
                Assert.Equal(w.EventId, item.GetProperty("eventId").GetString());
            });

            // Email: at least once; a second copy only for a claim a kill cut after SES took the message.
            var copies = (await SentEmailsAsync())
                .Select(m => (string?)m["subject"])
                .Where(s => s is not null && subjects.Contains(s))
                .GroupBy(s => s!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            Assert.All(subjects, s => Assert.True(copies.ContainsKey(s), $"the email '{s}' never went out"));
            var duplicates = copies.Values.Sum(n => n - 1);
            Output?.WriteLine(
                $"{Events} events; killed after {string.Join(" and ", killedAt)} emails; email duplicates {duplicates} " +
                $"({string.Join(", ", copies.Where(c => c.Value > 1).Select(c => $"'{c.Key}' x{c.Value}"))}); {started.Elapsed.TotalSeconds:0.0} s");
            Assert.InRange(duplicates, 0, killedAt.Count * WorkerCrashFixture.LaneConcurrency);
        }
        finally
        {
            fixture.Proxy.FaultInjected -= answered;
            fixture.Proxy.Reset();
            WriteTail("worker output", _worker);
        }
    }

    public void Dispose()
    {
        // Whatever happened in the test, no worker outlives it.
        _worker?.Dispose();
        _worker = null;
    }

    private async Task KillAsync()
    {
        var worker = _worker!;
        _worker = null;
        await worker.KillAsync();
        WriteTail("worker output before the kill", worker);
        worker.Dispose();
    }

    private static void WriteTail(string what, HostProcess? worker)
    {
        if (worker?.OutputTail() is { Length: > 0 } tail)
        {
            Output?.WriteLine($"{what} (tail):{Environment.NewLine}{tail}");
        }
    }

    /// <summary>Polls the count of SES calls answered until it reaches <paramref name="atLeast"/>.</summary>
    private async Task<int> WaitForSesCallsAsync(Func<int> count, int atLeast) =>
        await Deadline.PollAsync(
            () =>
            {
                _worker?.ThrowIfExited();
                return Task.FromResult(count());
            },
            n => n >= atLeast,
            TimeSpan.FromSeconds(60),
            $"the worker to have sent {atLeast} emails");

    /// <summary>moto's sent emails, read with patience: the state dump covers every table item and message it holds.</summary>
    private async Task<IReadOnlyList<JsonObject>> SentEmailsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var json = await http.GetStringAsync(new Uri(fixture.Aws.Endpoint, "moto-api/data.json"), Ct);
        return JsonNode.Parse(json)?["ses"]?["Message"] is JsonArray items ? [.. items.OfType<JsonObject>()] : [];
    }

    /// <summary>Polls the events still open until each has a final status and every channel a terminal one.</summary>
    private async Task<IReadOnlyDictionary<string, JsonElement>> WaitForAllFinalAsync(IReadOnlyList<string> eventIds, TimeSpan timeout)
    {
        var final = new ConcurrentDictionary<string, JsonElement>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + timeout;
        var open = eventIds.ToList();
        while (true)
        {
            _worker?.ThrowIfExited();
            await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (id, _) =>
            {
                try
                {
                    var @event = await fixture.GetEventAsync(id);
                    if (IsFinal(@event))
                    {
                        final[id] = @event;
                    }
                }
                catch (HttpRequestException e) when (e.Message.StartsWith("500 ", StringComparison.Ordinal))
                {
                    // moto showed a row mid-write (it applies an update attribute by attribute): still open.
                }
            });
            open = [.. open.Where(id => !final.ContainsKey(id))];
            if (open.Count == 0)
            {
                return final;
            }

            if (DateTime.UtcNow > deadline)
            {
                var sample = await fixture.GetEventAsync(open[0]);
                throw new TimeoutException($"{open.Count} of {eventIds.Count} events not final after {timeout.TotalSeconds:0} s; e.g. {sample}");
            }

            await Task.Delay(1000, Ct);
        }
    }

    private static bool IsFinal(JsonElement @event) =>
        @event.GetProperty("status").GetString() is "completed" or "partially_failed" or "failed"
        && @event.GetProperty("notifications").EnumerateArray().All(n =>
            n.GetProperty("status").GetString() is not ("pending" or "deferred" or "sending"));

    private async Task<JsonElement> InboxAsync(string user)
    {
        using var client = fixture.CreateClient();
        return await client.GetFromJsonAsync<JsonElement>($"/api/users/{user}/notifications?channel=in_app", Ct);
    }
}
