using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Notify.Aws.Tests.Fixtures;
using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Faults;

/// <summary>
/// At least 10,000 malformed requests (<see cref="MalformedRequests"/>) across every operation of the OpenAPI document, the
/// dashboard's JSON API and its login form, 8 at a time, against the AppHost's API process: every answer is below 500,
/// every 4xx with a body is RFC 9457 problem details (the login form may show itself again), nothing hangs past its
/// deadline, and the store (every table item, every queue's depth, what the providers hold) is exactly as before.
/// The seed is fixed and printed; <c>NOTIFY_FUZZ_SEED</c> replays another run, <c>NOTIFY_FUZZ_REQUESTS</c> changes
/// the count and <c>NOTIFY_FUZZ_CASE</c> sends only the request of that index.
/// </summary>
[Collection(FaultsCollection.Name)]
[Trait("Category", "Slow")]
public sealed class BadInputFuzzTests(FaultsFixture system)
{
    public const int DefaultSeed = 20261122;
    public const int DefaultRequests = 10_000;

    private const int Concurrency = 8;
    private static readonly TimeSpan RequestDeadline = TimeSpan.FromSeconds(15);

    private int _resent;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_answer_4xx_problem_details_and_store_nothing_when_every_endpoint_is_fuzzed_with_malformed_requests()
    {
        var seed = Setting("NOTIFY_FUZZ_SEED") ?? DefaultSeed;
        var count = Setting("NOTIFY_FUZZ_REQUESTS") ?? DefaultRequests;
        var only = Setting("NOTIFY_FUZZ_CASE");
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"Fuzz seed {seed}, {count} requests; replay with NOTIFY_FUZZ_SEED={seed} NOTIFY_FUZZ_REQUESTS={count} (one request: NOTIFY_FUZZ_CASE=<index>).");

        using var client = system.CreatePlainClient(Timeout.InfiniteTimeSpan);
        var api = await ApiSurface.OperationsAsync(client, Ct);
        var dashboard = await ApiSurface.DashboardOperationsAsync(client, api, Ct);
        Assert.True(api.Count >= 20, $"The OpenAPI document lists only {api.Count} operations.");
        Assert.True(dashboard.Count >= 5, $"Only {dashboard.Count} dashboard operations found: {string.Join(", ", dashboard)}");
        var session = await DashboardSession.SignInAsync(client, EndToEndFixture.AdminKey, Ct);
        Assert.NotNull(session);
        var requests = new MalformedRequests(api, dashboard, new FuzzCredentials(EndToEndFixture.AdminKey, system.Keys, session), seed);

        var before = await QuiescentSnapshotAsync();
        var outcomes = new ConcurrentQueue<(MalformedRequest Request, string Status, string? Failure)>();
        var indexes = only is { } single ? [single] : Enumerable.Range(0, count);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(indexes, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = Ct }, async (index, ct) =>
        {
            var request = requests.Create(index);
            var (status, failure) = await SendAsync(client, request, ct);
            outcomes.Enqueue((request, status, failure));
        });
        clock.Stop();
        var after = await StoreSnapshot.TakeAsync(system, Ct);

        var byStatus = outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        var writesTaken = outcomes
            .Where(o => o.Status.StartsWith('2') && !o.Request.IsLoginForm && o.Request.Target.Split(' ')[0] is "POST" or "PUT" or "PATCH" or "DELETE")
            .ToList();
        var figures = new Dictionary<string, object?>
        {
            ["seed"] = seed,
            ["requests"] = outcomes.Count,
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
            ["requestsPerSecond"] = Math.Round(outcomes.Count / clock.Elapsed.TotalSeconds, 0),
            ["concurrency"] = Concurrency,
            ["operations"] = api.Count,
            ["dashboardOperations"] = dashboard.Count,
            ["byStatus"] = byStatus,
            ["byTarget"] = outcomes.GroupBy(o => o.Request.Kind).ToDictionary(g => g.Key, g => g.Count()),
            ["writesAnswered2xx"] = writesTaken.Count,
            ["resentOnStaleConnection"] = _resent,
            ["closedWithoutAnswer"] = outcomes.Where(o => o.Status == "closed").GroupBy(o => $"{o.Request.Kind}: {o.Request.Mutations.LastOrDefault()}")
                .OrderByDescending(g => g.Count()).Take(12).ToDictionary(g => g.Key, g => g.Count()),
            ["tableItems"] = before.ItemCount,
        };
        Figures.Record("bad-input-fuzz", figures);
        foreach (var taken in writesTaken.Take(10))
        {
            output?.WriteLine($"2xx to a write (allowed only if it changed nothing, which the snapshot checks): {taken.Status} {taken.Request}");
        }

        var failures = outcomes.Where(o => o.Failure is not null).OrderBy(o => o.Request.Index).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {outcomes.Count} requests (seed {seed}) broke a rule:\n" + string.Join('\n', failures.Take(25).Select(f => $"{f.Request}\n    -> {f.Failure}")));
        var difference = after.DifferenceFrom(before);
        Assert.True(difference.Length == 0, $"The fuzz run (seed {seed}) changed the store:\n{difference}");
        Assert.True(only is not null || outcomes.Count >= DefaultRequests || count < DefaultRequests, $"Only {outcomes.Count} requests were sent.");
    }

    /// <summary>Sends one request and judges the answer; the status is the code, or <c>closed</c> / <c>timeout</c> / <c>error</c>.</summary>
    private async Task<(string Status, string? Failure)> SendAsync(HttpClient client, MalformedRequest request, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(RequestDeadline);
        try
        {
            if (request.Raw is { } raw)
            {
                var answer = await RawHttp.ExchangeAsync(system.ApiUrl, raw, deadline.Token);
                return answer.Status is { } code ? (Code(code), Judge(request, code, answer.ContentType, answer.Body)) : ("closed", null);
            }

            HttpResponseMessage response;
            try
            {
                response = await request.SendAsync!(client, deadline.Token);
            }
            catch (HttpRequestException) when (!request.MayCloseEarly)
            {
                // A pooled connection the server closed after an earlier refusal, taken just as it went: once more, on a new one.
                Interlocked.Increment(ref _resent);
                response = await request.SendAsync!(client, deadline.Token);
            }

            using (response)
            {
                var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
                var status = (int)response.StatusCode;
                return (Code(status), Judge(request, status, response.Content.Headers.ContentType?.ToString(), body));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ("timeout", $"no answer within {RequestDeadline.TotalSeconds:0} s");
        }
        catch (HttpRequestException) when (request.MayCloseEarly)
        {
            // A body far beyond the limit: the server answered 413 and closed while it was still being written.
            return ("closed", null);
        }
        catch (HttpRequestException e)
        {
            return ("error", $"{e.GetType().Name}: {e.Message} {e.InnerException?.Message}");
        }
    }

    private static string? Judge(MalformedRequest request, int status, string? contentType, byte[] body)
    {
        if (status >= 500)
        {
            return $"{status}: {Excerpt(body)}";
        }

        if (status < 400 || body.Length == 0)
        {
            return null;
        }

        var media = contentType?.Split(';')[0].Trim();
        if (request.IsLoginForm && media == "text/html")
        {
            return null;
        }

        if (media != "application/problem+json")
        {
            return $"{status} answered as {contentType ?? "(no content type)"}, not problem details: {Excerpt(body)}";
        }

        try
        {
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            return root.TryGetProperty("status", out var code) && code.TryGetInt32(out var value) && value == status && root.TryGetProperty("title", out _)
                ? null
                : $"{status} problem details without a matching status and a title: {Excerpt(body)}";
        }
        catch (JsonException e)
        {
            return $"{status} problem details that are not JSON ({e.Message}): {Excerpt(body)}";
        }
    }

    /// <summary>
    /// A snapshot taken once the system is idle: two in a row, a few seconds apart (more than the worker's statistics
    /// flush), that are equal. Whatever the suites before left in motion has settled by then.
    /// </summary>
    private async Task<StoreSnapshot> QuiescentSnapshotAsync()
    {
        var previous = await StoreSnapshot.TakeAsync(system, Ct);
        return await Deadline.PollAsync(
            async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(3), Ct);
                var (last, next) = (previous, await StoreSnapshot.TakeAsync(system, Ct));
                previous = next;
                return next.DifferenceFrom(last).Length == 0 ? next : null;
            },
            snapshot => snapshot is not null,
            TimeSpan.FromSeconds(90),
            "the store to stop changing before the fuzz run") ?? throw new InvalidOperationException("unreachable");
    }

    private static string Code(int status) => status.ToString(CultureInfo.InvariantCulture);

    private static string Excerpt(byte[] body) => body.Length == 0 ? "(empty)" : Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));

    private static int? Setting(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
