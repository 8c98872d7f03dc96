using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Notify.Api.Tests.Dashboard;
using Notify.Api.Tests.Fixtures;
using Notify.Aws.Tests.Fixtures;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Api.Tests.Lambda;

/// <summary>
/// The Lambda bridge end to end: the real Notify.Api binary, started as Lambda starts a custom runtime, serves
/// recorded API Gateway HTTP API events (payload 2.0) from a local Runtime API, against moto.
/// </summary>
[Trait("Category", "Slow")]
public sealed class LambdaBridgeTests(LambdaApiFixture lambda) : IClassFixture<LambdaApiFixture>
{
    [Fact]
    public async Task Should_accept_a_json_body_and_find_the_event_by_its_percent_encoded_id_in_the_invocations_trace()
    {
        var trace = FakeLambdaRuntime.NewTraceHeader();

        var posted = await lambda.InvokeAsync(RecordedEvents.Load("post-event.json"), traceHeader: trace);

        Assert.False(posted.IsError, posted.ToString());
        Assert.Equal(202, posted.StatusCode);
        Assert.False(posted.IsBase64Encoded);
        Assert.StartsWith("application/json", posted.Header("content-type"), StringComparison.Ordinal);
        Assert.Equal("lambda-order:8412", posted.Json.GetProperty("eventId").GetString());

        // rawPath /api/events/lambda-order%3A8412: the route sees the decoded id.
        var read = await lambda.InvokeAsync(RecordedEvents.Load("get-event-encoded-id.json"));

        Assert.Equal(200, read.StatusCode);
        var view = read.Json;
        Assert.Equal("lambda-order:8412", view.GetProperty("eventId").GetString());
        Assert.Equal("DHL", view.GetProperty("payload").GetProperty("carrier").GetString());
        // The request continued the invocation's X-Ray trace: Root=1-{8 hex}-{24 hex} is W3C trace id {8 hex}{24 hex}.
        var root = trace.Split(';')[0]["Root=1-".Length..];
        Assert.Equal(root.Replace("-", string.Empty, StringComparison.Ordinal), view.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task Should_hand_the_query_string_to_the_api_and_answer_its_400_as_problem_details_naming_the_parameter()
    {
        var list = await lambda.InvokeAsync(RecordedEvents.Load("list-events.json"));

        Assert.Equal(200, list.StatusCode);
        Assert.True(list.Json.GetProperty("items").GetArrayLength() <= 5);

        var refused = await lambda.InvokeAsync(RecordedEvents.Load("list-events-bad-limit.json"));

        Assert.False(refused.IsError, refused.ToString());
        Assert.Equal(400, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Header("content-type"));
        Assert.False(refused.IsBase64Encoded);
        var problem = refused.Json;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _), problem.ToString());
        Assert.Equal("/api/events", problem.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task Should_decode_a_base64_body_byte_for_byte()
    {
        var posted = await lambda.InvokeAsync(RecordedEvents.Load("post-event-base64.json"));

        Assert.Equal(202, posted.StatusCode);
        Assert.Equal("lambda-order:8413", posted.Json.GetProperty("eventId").GetString());
        var read = await lambda.InvokeAsync(RecordedEvents.Edit("get-event-encoded-id.json", e => e["rawPath"] = "/api/events/lambda-order%3A8413"));
        Assert.Equal("Grüße aus Köln", read.Json.GetProperty("payload").GetProperty("note").GetString());
    }

    [Fact]
    public async Task Should_carry_cookies_in_and_set_cookies_out_through_the_dashboard_login()
    {
        var form = await lambda.InvokeAsync(RecordedEvents.Load("dashboard-login-form.json"));

        Assert.Equal(200, form.StatusCode);
        Assert.StartsWith("text/html", form.Header("content-type"), StringComparison.Ordinal);
        Assert.False(form.IsBase64Encoded);
        Assert.Null(form.Header("set-cookie"));
        var antiforgery = Assert.Single(form.Cookies, c => c.StartsWith("notify_dashboard_form=", StringComparison.Ordinal));
        var token = WebUtility.HtmlDecode(DashboardBrowser.TokenField().Match(form.BodyText).Groups["token"].Value);
        Assert.NotEmpty(token);

        // API Gateway sends a form post base64-encoded, and the cookies of the request in their own array.
        var fields = $"key={Uri.EscapeDataString(ApiFixture.AdminKey)}&__RequestVerificationToken={Uri.EscapeDataString(token)}";
        var login = await lambda.InvokeAsync(RecordedEvents.Edit("dashboard-login.json", e =>
        {
            e["cookies"] = new JsonArray(NameValue(antiforgery));
            e["body"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(fields));
            e["headers"]!["content-length"] = Encoding.UTF8.GetByteCount(fields).ToString(CultureInfo.InvariantCulture);
        }));

        Assert.True(login.StatusCode == 302, login.ToString());
        Assert.Equal("/dashboard", login.Header("location"));
        var session = Assert.Single(login.Cookies, c => c.StartsWith(DashboardBrowser.SessionCookie + "=", StringComparison.Ordinal));
        var attributes = session.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        // API Gateway is HTTPS only, so the session cookie is Secure.
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("path=/dashboard", attributes);

        var lanes = await lambda.InvokeAsync(RecordedEvents.Edit("dashboard-lanes.json", e => e["cookies"] = new JsonArray(NameValue(session))));

        Assert.True(lanes.StatusCode == 200, lanes.ToString());
        Assert.Equal(5, lanes.Json.GetProperty("queues").GetArrayLength());

        static string NameValue(string setCookie) => setCookie.Split(';')[0];
    }

    [Fact]
    public async Task Should_answer_the_apis_503_when_dynamodb_fails()
    {
        var proxy = lambda.Proxy!;
        proxy.Add(FaultRule.Always(Fault.ServerError(), r => r.Target is { } t && t.StartsWith("DynamoDB_", StringComparison.Ordinal)));
        try
        {
            var outcome = await lambda.InvokeAsync(RecordedEvents.Load("get-event-encoded-id.json"));

            Assert.False(outcome.IsError, outcome.ToString());
            Assert.Equal(503, outcome.StatusCode);
            Assert.Equal("application/problem+json", outcome.Header("content-type"));
            Assert.Equal("1", outcome.Header("retry-after"));
            Assert.Equal(503, outcome.Json.GetProperty("status").GetInt32());
        }
        finally
        {
            proxy.Reset();
        }
    }

    [Fact]
    public async Task Should_post_the_error_for_that_invocation_and_serve_the_next_when_the_event_cannot_be_handled()
    {
        var restApi = await lambda.InvokeAsync(RecordedEvents.Load("rest-api-v1.json"));
        var brokenBody = await lambda.InvokeAsync(RecordedEvents.Edit("post-event-base64.json", e => e["body"] = "eyJldmVudElkIjo!!not base64"));
        var next = await lambda.InvokeAsync(RecordedEvents.Load("alive.json"));

        Assert.True(restApi.IsError, restApi.ToString());
        Assert.Equal("Runtime.InvalidEvent", restApi.ErrorTypeHeader);
        Assert.Equal("System.NotSupportedException", restApi.Body.GetProperty("errorType").GetString());
        Assert.Contains("payload version 2.0", restApi.Body.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(0, restApi.Body.GetProperty("stackTrace").GetArrayLength());
        Assert.True(brokenBody.IsError, brokenBody.ToString());
        Assert.Equal("System.FormatException", brokenBody.Body.GetProperty("errorType").GetString());
        Assert.NotEqual(restApi.RequestId, brokenBody.RequestId);
        Assert.False(next.IsError, next.ToString());
        Assert.Equal(200, next.StatusCode);
        lambda.Function.ThrowIfExited();
    }

    [Fact]
    public async Task Should_abort_the_request_at_the_invocations_deadline_and_post_an_error()
    {
        var proxy = lambda.Proxy!;
        proxy.Add(FaultRule.Always(new Fault.Latency(TimeSpan.FromSeconds(20)), r => r.Target is { } t && t.StartsWith("DynamoDB_", StringComparison.Ordinal)));
        try
        {
            var clock = Stopwatch.StartNew();
            var outcome = await lambda.InvokeAsync(RecordedEvents.Load("get-event-encoded-id.json"), timeout: TimeSpan.FromSeconds(1));
            clock.Stop();

            Assert.True(outcome.IsError, outcome.ToString());
            Assert.Equal("Function.DeadlineExceeded", outcome.ErrorTypeHeader);
            // The DynamoDB call was cancelled at the deadline, not left to wait out the proxy's 20 s.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"The error came after {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            proxy.Reset();
        }

        var next = await lambda.InvokeAsync(RecordedEvents.Load("alive.json"));
        Assert.Equal(200, next.StatusCode);
    }

    [Fact]
    public async Task Should_serve_100_sequential_invocations_without_leaking_requests_handles_or_threads()
    {
        string[] mix = [RecordedEvents.Load("get-event-encoded-id.json"), RecordedEvents.Load("alive.json"), RecordedEvents.Load("list-events-bad-limit.json")];
        for (var i = 0; i < 10; i++)
        {
            await lambda.InvokeAsync(mix[i % mix.Length]);
        }

        var before = ProcessCounts.Of(lambda.Function.ProcessId);
        var statuses = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            var outcome = await lambda.InvokeAsync(mix[i % mix.Length]);
            Assert.False(outcome.IsError, outcome.ToString());
            statuses.Add(outcome.StatusCode);
        }

        var after = ProcessCounts.Of(lambda.Function.ProcessId);
        var metrics = await lambda.InvokeAsync(RecordedEvents.Load("metrics.json"));

        // Each recorded event got the same answer every time (the event read is 200 or 404 depending on the class's other tests).
        var byEvent = statuses.Select((status, i) => (status, i)).GroupBy(x => x.i % mix.Length, x => x.status).ToDictionary(g => g.Key, g => g.Distinct().ToList());
        Assert.Single(byEvent[0]);
        Assert.Equal([200], byEvent[1]);
        Assert.Equal([400], byEvent[2]);
        // Every HttpContext was disposed: the only request in flight is the scrape itself.
        Assert.Equal(1.0, ActiveRequests(metrics.BodyText));
        // A socket or a thread kept per invocation would add 100; the thread pool may add a few threads of its own.
        Assert.True(after.OpenFiles <= before.OpenFiles + 10, $"Open files grew from {before.OpenFiles} to {after.OpenFiles}");
        Assert.True(after.Threads <= before.Threads + 16, $"Threads grew from {before.Threads} to {after.Threads}");
    }

    [Fact]
    public async Task Should_report_a_startup_failure_to_init_error_and_exit_non_zero()
    {
        await using var runtime = await FakeLambdaRuntime.StartAsync();
        using var function = lambda.StartFunction(runtime, ("Notify:Ingestion:BatchConcurrency", "0"));

        var report = await runtime.InitError.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var exitCode = await Deadline.PollAsync(() => Task.FromResult(function.ExitCode), code => code is not null, TimeSpan.FromSeconds(30), "the function to exit");

        Assert.Equal("Runtime.InitError", report.ErrorTypeHeader);
        Assert.Equal("Microsoft.Extensions.Options.OptionsValidationException", report.Body.GetProperty("errorType").GetString());
        Assert.Contains("BatchConcurrency", report.Body.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(0, exitCode);
        Assert.Equal(0, runtime.NextCalls);
    }

    [Fact]
    public async Task Should_listen_on_kestrel_as_before_when_not_started_by_lambda()
    {
        using var api = HostProcess.Start("Notify.Api", lambda.ApiSettings);
        await api.WaitUntilListeningAsync();
        using var client = new HttpClient { BaseAddress = api.Address };

        using var alive = await client.GetAsync("/alive", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    /// <summary>The sum of <c>http_server_active_requests</c> over its series, from a Prometheus exposition.</summary>
    private static double ActiveRequests(string exposition) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith("http_server_active_requests", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    /// <summary>Open file descriptors (sockets included) and threads of a process, from <c>/proc</c>.</summary>
    private sealed record ProcessCounts(int OpenFiles, int Threads)
    {
        public static ProcessCounts Of(int pid) => new(
            Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length,
            int.Parse(
                File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))["Threads:".Length..].Trim(),
                CultureInfo.InvariantCulture));
    }
}
