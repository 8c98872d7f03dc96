using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Notify.Aws.Tests.Fixtures;
using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Volume;

/// <summary>One planned event: its id (also the marker its rendered content carries), its user and its one channel.</summary>
public sealed record PlannedEvent(string EventId, int User, string Channel);

/// <summary>A user of the run: contact (email, phone) and one FCM device.</summary>
public sealed record VolumeUser(string Id, string Email, string Phone, string EndpointArn);

/// <summary>What ingestion measured: accepted events, how long it took, the rate it kept, POST latency, server errors retried.</summary>
public sealed record IngestFigures(int Accepted, int Duplicates, int ServerErrorsRetried, TimeSpan Elapsed, double RatePerSecond, double P50Ms, double P99Ms);

/// <summary>
/// A volume run through the public API: <see cref="Events"/> events (env <c>NOTIFY_E2E_EVENTS</c>, default 200: the issue's 2,000 take ~15 minutes a run on moto here, see README) posted at a
/// steady 40 per second by 8 concurrent clients, each event to one channel in turn (email, SMS, push) of one of
/// <see cref="Users"/> users, with its own id rendered into what the provider receives; then waiting until the lanes are
/// empty and every notification is in a terminal state, and counting per event and channel what moto received.
/// </summary>
/// <remarks>
/// The channel mix is what moto serves fastest (measured here: about 4–5 SMS, email or push notifications a second
/// each, against about 1 in-app a second: an in-app row is committed with its unread counter in a DynamoDB transaction,
/// and moto deep-copies the table for every transaction). Users share events (20 each at 2,000) because every user adds
/// profile and rate-limit items that each moto Query walks; the run's fixture raises the per-user limit accordingly.
/// </remarks>
public sealed partial class VolumeRun(EndToEndFixture system, string name)
{
    public const double Rate = 40;
    public const int Clients = 8;

    private static readonly string[] Channels = ["email", "sms", "push"];
    private static readonly string[] Lanes = ["high", "low"];

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly List<VolumeUser> _users = [];
    private readonly Stopwatch _clock = new();
    private string _eventType = "";

    public static int Events { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("NOTIFY_E2E_EVENTS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 200;

    public static int Users => Math.Max(Clients, Events / 20);

    public IReadOnlyList<PlannedEvent> Plan { get; private set; } = [];

    /// <summary>Since the first POST.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    /// <summary>Templates rendering the event's marker, and the users with their contact and device.</summary>
    public async Task PrepareAsync()
    {
        _eventType = $"vol-{name}-{_run}";
        await system.PutTemplateAsync(_eventType, "email", "en", new { subject = "Vol {{marker}}", text = "Volume run {{marker}}" });
        await system.PutTemplateAsync(_eventType, "sms", "en", new { body = "Vol {{marker}}" });
        await system.PutTemplateAsync(_eventType, "push", "en", new { title = "Vol", body = "Vol {{marker}}" });
        var users = new ConcurrentDictionary<int, VolumeUser>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Users), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (u, _) =>
        {
            var id = $"vol-{_run}-u{u:000}";
            var email = $"{id}@example.com";
            var phone = "+1555" + (1_000_000 + u).ToString(CultureInfo.InvariantCulture) + "1";
            await system.PutContactAsync(id, new { email, phone });
            users[u] = new VolumeUser(id, email, phone, await system.RegisterDeviceAsync(id, "fcm", $"fcm-{id}"));
        });
        _users.AddRange(users.OrderBy(u => u.Key).Select(u => u.Value));
        Plan = [.. Enumerable.Range(0, Events).Select(i => new PlannedEvent($"vol-{_run}-{i:00000}", i % Users, Channels[i % Channels.Length]))];
    }

    /// <summary>
    /// Posts the plan on a fixed schedule (event i at i / 40 s), shared by 8 clients: paced, not bursty. A 5xx (503: recorded
    /// but not queued) is retried with the same body, as the API asks.
    /// </summary>
    public async Task<IngestFigures> IngestAsync()
    {
        var next = -1;
        var latencies = new ConcurrentBag<double>();
        var (duplicates, retried) = (0, 0);
        _clock.Start();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            using var client = system.CreateClient();
            int i;
            while ((i = Interlocked.Increment(ref next)) < Plan.Count)
            {
                var due = TimeSpan.FromSeconds(i / Rate) - _clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, Ct);
                }

                var planned = Plan[i];
                var body = new { eventId = planned.EventId, eventType = _eventType, userId = _users[planned.User].Id, payload = new { marker = planned.EventId }, channels = new[] { planned.Channel } };
                for (var attempt = 1; ; attempt++)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await client.PostAsJsonAsync("/api/events", body, Ct);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref duplicates);
                    }

                    if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
                    {
                        break;
                    }

                    var text = await response.Content.ReadAsStringAsync(Ct);
                    Assert.True((int)response.StatusCode >= 500 && attempt < 10, $"POST {planned.EventId} answered {(int)response.StatusCode} (attempt {attempt}): {text}");
                    Interlocked.Increment(ref retried);
                    await Task.Delay(500, Ct);
                }
            }
        }, Ct)));
        var elapsed = _clock.Elapsed;
        var sorted = latencies.Order().ToList();
        var figures = new IngestFigures(Plan.Count, duplicates, retried, elapsed, Plan.Count / elapsed.TotalSeconds, Percentile(sorted, 0.50), Percentile(sorted, 0.99));
        Output?.WriteLine($"{elapsed.TotalSeconds:0.0} s: {Plan.Count} events posted, {figures.RatePerSecond:0.0}/s, POST p50 {figures.P50Ms:0} ms p99 {figures.P99Ms:0} ms, {retried} retried after a 5xx");
        return figures;
    }

    /// <summary>
    /// Polls until both lanes are empty (nothing visible, in flight or delayed, twice in a row) and every planned event has
    /// a row in a terminal state. Reads the rows per user (one Query each), never per event: each moto Query walks the table.
    /// </summary>
    /// <remarks>
    /// <paramref name="whenStuck"/> runs when the lanes are empty and rows are still open (what the crash run does then:
    /// redrive the DLQ, as the operator its alarm pages would); when it reports work, the wait starts over.
    /// </remarks>
    public async Task<IReadOnlyDictionary<string, string>> WaitAllTerminalAsync(TimeSpan timeout, Func<Task<int>>? whenStuck = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var lastReport = TimeSpan.Zero;
        var emptyInARow = 0;
        while (true)
        {
            var depth = await LaneDepthAsync();
            emptyInARow = depth == 0 ? emptyInARow + 1 : 0;
            if (_clock.Elapsed - lastReport >= TimeSpan.FromSeconds(20))
            {
                lastReport = _clock.Elapsed;
                Output?.WriteLine($"{_clock.Elapsed.TotalSeconds:0} s: {depth} messages on the lanes");
            }

            if (emptyInARow >= 2)
            {
                var statuses = await StatusesAsync();
                var open = Plan.Where(p => !statuses.TryGetValue(p.EventId, out var s) || !IsTerminal(s)).ToList();
                if (open.Count == 0)
                {
                    Output?.WriteLine($"{_clock.Elapsed.TotalSeconds:0.0} s: every notification terminal");
                    return statuses;
                }

                Output?.WriteLine($"{_clock.Elapsed.TotalSeconds:0} s: lanes empty, {open.Count} notifications not terminal yet, e.g. {open[0].EventId}: {statuses.GetValueOrDefault(open[0].EventId) ?? "no row"}");
                if (whenStuck is not null && await whenStuck() > 0)
                {
                    deadline = DateTime.UtcNow + timeout;
                    emptyInARow = 0;
                    continue;
                }

                if (DateTime.UtcNow > deadline)
                {
                    var sample = await system.TryGetEventAsync(open[0].EventId);
                    throw new TimeoutException($"{open.Count} of {Plan.Count} notifications not terminal after {timeout.TotalMinutes:0} min; e.g. {sample?.ToString() ?? open[0].EventId + " unreadable"}");
                }

                emptyInARow = 0;
            }
            else if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The lanes still hold {depth} messages after {timeout.TotalMinutes:0} min.");
            }

            await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        }
    }

    /// <summary>The planned events' row status (one channel each), read from each user's notification list.</summary>
    public async Task<IReadOnlyDictionary<string, string>> StatusesAsync()
    {
        var statuses = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(_users, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (user, _) =>
        {
            string? cursor = null;
            do
            {
                var page = await system.Api.GetFromJsonAsync<JsonElement>(
                    $"/api/users/{user.Id}/notifications?limit=100{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", Ct);
                foreach (var row in page.GetProperty("items").EnumerateArray())
                {
                    statuses[row.GetProperty("eventId").GetString()!] = row.GetProperty("status").GetString()!;
                }

                cursor = page.TryGetProperty("nextCursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            }
            while (cursor is not null);
        });
        return statuses;
    }

    /// <summary>
    /// How many copies of each planned event's content each provider took, by the event's marker: SES messages (subject),
    /// SNS SMS (message) and SNS platform-endpoint publishes (a push message names its marker in several fields; counted once).
    /// </summary>
    public async Task<ProviderCopies> CountCopiesAsync()
    {
        var started = Stopwatch.StartNew();
        var dump = await MotoState.DumpAsync(system.MotoEndpoint, TimeSpan.FromMinutes(5), Ct);
        var copies = new ProviderCopies();
        foreach (var email in MotoState.Models(dump, "ses", "Message"))
        {
            copies.Add("email", (string?)email["subject"]);
        }

        foreach (var sms in MotoState.Models(dump, "sns", "SMS"))
        {
            copies.Add("sms", (string?)sms["message"]);
        }

        foreach (var message in MotoState.Models(dump, "sns", "PlatformEndpoint").SelectMany(e => e["messages"]?.AsObject().Select(m => (string?)m.Value) ?? []))
        {
            copies.Add("push", message);
        }

        Output?.WriteLine($"moto's state read in {started.Elapsed.TotalSeconds:0.0} s");
        return copies;
    }

    /// <summary>
    /// Redrives every dead letter the worker has recorded (<c>POST /api/dead-letters/redrive</c> without a body, up to 1,000 a
    /// call, until a call finds none); returns how many went back to their lanes.
    /// </summary>
    public async Task<int> RedriveDeadLettersAsync()
    {
        var total = 0;
        while (true)
        {
            using var response = await system.Api.PostAsync("/api/dead-letters/redrive", content: null, Ct);
            response.EnsureSuccessStatusCode();
            var redriven = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("redriven").GetInt32();
            if (redriven == 0)
            {
                return total;
            }

            total += redriven;
            Output?.WriteLine($"{_clock.Elapsed.TotalSeconds:0} s: {redriven} dead letters redriven");
        }
    }

    /// <summary>Visible + in flight + delayed on both lanes (SQS's approximate counts through <c>GET /api/lanes</c>).</summary>
    public async Task<int> LaneDepthAsync()
    {
        var lanes = await system.Api.GetFromJsonAsync<JsonElement>("/api/lanes", Ct);
        return lanes.GetProperty("queues").EnumerateArray()
            .Where(q => Lanes.Contains(q.GetProperty("name").GetString()))
            .Sum(q => q.GetProperty("visible").GetInt32() + q.GetProperty("inFlight").GetInt32() + q.GetProperty("delayed").GetInt32());
    }

    public static bool IsTerminal(string status) => status is not ("pending" or "deferred" or "sending");

    private static double Percentile(IReadOnlyList<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    /// <summary>Copies per (channel, marker) as moto recorded them.</summary>
    public sealed partial class ProviderCopies
    {
        private readonly Dictionary<(string Channel, string Marker), int> _counts = [];

        public int this[string channel, string marker] => _counts.GetValueOrDefault((channel, marker));

        public void Add(string channel, string? content)
        {
            foreach (var marker in Marker().Matches(content ?? "").Select(m => m.Value).Distinct(StringComparer.Ordinal))
            {
                _counts[(channel, marker)] = this[channel, marker] + 1;
            }
        }

        [GeneratedRegex(@"vol-[0-9a-f]{8}-\d{5}")]
        private static partial Regex Marker();
    }

    /// <summary>
    /// Every planned event ended terminal and nothing was lost: each email <c>sent</c> and at SES at least once (a second
    /// copy is the documented at-least-once case, counted by <see cref="Summarize"/>); each SMS and push <c>sent</c> exactly
    /// once, or <c>unknown</c> (its outcome was lost) and at SNS at most once, never twice.
    /// </summary>
    public void AssertNoneLostAndSmsOrPushNeverTwice(IReadOnlyDictionary<string, string> statuses, ProviderCopies copies) =>
        Assert.All(Plan, p =>
        {
            var status = statuses.GetValueOrDefault(p.EventId);
            var sent = copies[p.Channel, p.EventId];
            Assert.True(
                p.Channel == "email" ? status == "sent" && sent >= 1 : (status == "sent" && sent == 1) || (status == "unknown" && sent <= 1),
                $"{p.EventId} ({p.Channel}) ended {status ?? "without a row"} with {sent} copies at the provider");
        });

    /// <summary>Checks the run's outcome and records its figures: per channel, rows by status, copies, duplicates, losses.</summary>
    public Dictionary<string, object?> Summarize(IReadOnlyDictionary<string, string> statuses, ProviderCopies copies, IngestFigures ingest, TimeSpan drained)
    {
        var perChannel = new Dictionary<string, object?>();
        foreach (var channel in Channels)
        {
            var planned = Plan.Where(p => p.Channel == channel).ToList();
            perChannel[channel] = new Dictionary<string, object?>
            {
                ["events"] = planned.Count,
                ["statuses"] = planned.GroupBy(p => statuses.GetValueOrDefault(p.EventId) ?? "missing").ToDictionary(g => g.Key, g => g.Count()),
                ["providerCopies"] = planned.Sum(p => copies[channel, p.EventId]),
                ["duplicates"] = planned.Sum(p => Math.Max(0, copies[channel, p.EventId] - 1)),
                ["sentButNotAtProvider"] = planned.Count(p => statuses.GetValueOrDefault(p.EventId) == "sent" && copies[channel, p.EventId] == 0),
            };
        }

        return new Dictionary<string, object?>
        {
            ["events"] = Plan.Count,
            ["users"] = Users,
            ["clients"] = Clients,
            ["targetRatePerSecond"] = Rate,
            ["ingestRatePerSecond"] = Math.Round(ingest.RatePerSecond, 1),
            ["ingestSeconds"] = Math.Round(ingest.Elapsed.TotalSeconds, 1),
            ["postP50Ms"] = Math.Round(ingest.P50Ms),
            ["postP99Ms"] = Math.Round(ingest.P99Ms),
            ["postsRetriedAfter5xx"] = ingest.ServerErrorsRetried,
            ["drainSeconds"] = Math.Round(drained.TotalSeconds, 1),
            ["notificationsPerSecond"] = Math.Round(Plan.Count / drained.TotalSeconds, 2),
            ["channels"] = perChannel,
        };
    }
}
