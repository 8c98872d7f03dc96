using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Notify.AppHost.Tests.Fixtures;
using Notify.Aws.Tests.Fixtures;

namespace Notify.AppHost.Tests;

/// <summary>
/// The AppHost as developers run it: a real process on free ports that starts moto, provisions, starts the API and the
/// worker, prints its table once they are healthy, and on SIGINT stops every child and frees every port. The tests of a
/// class run one after the other, so at most one AppHost of this project runs at a time.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class AppHostTests
{
    private const string AdminKey = "nfy_admin_bootstrap_key_for_apphost_tests_01";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    // The worker lets its last long polls (5 s under the AppHost) finish, then the AppHost stops moto.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] Channels = ["email", "sms", "push", "in_app"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_deliver_an_event_to_moto_then_leave_no_process_and_no_port_behind_when_interrupted()
    {
        var (portBase, motoPort) = AppHostProcess.FreePorts();
        await using var host = AppHostProcess.Start(["--port-base", $"{portBase}", "--moto-port", $"{motoPort}", "--admin-key", AdminKey]);
        var ready = await host.WaitReadyAsync(ReadyTimeout);
        Assert.Equal(new Uri($"http://127.0.0.1:{portBase}"), ready.Api);
        Assert.Equal(motoPort, ready.Aws.Port);
        var children = RecordChildren(host, ready);

        using var api = Client(ready.Api);
        var eventType = "apphost.hello";
        var subject = $"Hello from the AppHost test {Guid.NewGuid():N}";
        using (var put = await api.PutAsJsonAsync($"/api/templates/{eventType}/email/en", new { subject, text = "Hello {{name}}." }, Ct))
        {
            Assert.True(put.IsSuccessStatusCode, $"PUT template: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(Ct)}");
        }

        var eventId = $"apphost-{Guid.NewGuid():N}";
        const string address = "ada@example.com";
        using (var post = await api.PostAsJsonAsync(
            "/api/events",
            new { eventId, eventType, userId = "apphost-user-1", payload = new { name = "Ada" }, channels = new[] { "email" }, recipient = new { email = address } },
            Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        }

        await Deadline.PollAsync(() => ChannelStatusAsync(api, eventId, "email"), s => s == "sent", TimeSpan.FromSeconds(60), $"event {eventId}'s email to be sent");
        var sent = await Deadline.PollAsync(
            () => MotoState.ModelsAsync(ready.Aws, "ses", "Message", Ct),
            messages => messages.Any(m => (string?)m["subject"] == subject),
            TimeSpan.FromSeconds(10),
            "moto to hold the email");
        var email = Assert.Single(sent, m => (string?)m["subject"] == subject);
        Assert.Contains(address, email["destinations"]!.ToJsonString(), StringComparison.Ordinal);

        await InterruptAndAssertCleanStopAsync(host, children, [portBase, portBase + 1, motoPort], wholeGroup: true);
    }

    [Fact]
    public async Task Should_send_events_of_every_channel_and_priority_that_end_as_the_demo_announced_when_run_with_demo()
    {
        var (portBase, motoPort) = AppHostProcess.FreePorts();
        await using var host = AppHostProcess.Start(["--port-base", $"{portBase}", "--moto-port", $"{motoPort}", "--admin-key", AdminKey, "--demo"]);
        var ready = await host.WaitReadyAsync(ReadyTimeout);
        var children = RecordChildren(host, ready);
        using var api = Client(ready.Api);

        // Every event the demo announced, checked once it reached the final state it announced; a wrong final state fails.
        var checkedEvents = new Dictionary<string, DemoEvent>();
        var outcomes = new HashSet<string>();
        await Deadline.PollAsync(
            async () =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), Ct); // A handful of reads a second; moto serves the demo too.
                foreach (var demo in host.Lines.Select(DemoEvent.Parse).OfType<DemoEvent>().Where(e => !checkedEvents.ContainsKey(e.EventId)).Take(10))
                {
                    if (await ReadEventAsync(api, demo.EventId) is not { } view || !demo.IsSettled(view))
                    {
                        continue;
                    }

                    foreach (var (channel, expected) in demo.Expected)
                    {
                        var row = Row(view, channel);
                        Assert.True(
                            row is { } r && r.GetProperty("status").GetString() == expected.Status && (expected.Reason is null || r.GetProperty("reason").GetString() == expected.Reason),
                            $"Event {demo.EventId} was announced as '{demo.Announced}' but ended as {view.GetProperty("notifications")}");
                        outcomes.Add($"{channel}:{expected.Status}:{demo.Priority}");
                        outcomes.Add($"{expected.Status}{(expected.Reason is null ? "" : $"({expected.Reason})")}");
                    }

                    checkedEvents[demo.EventId] = demo;
                }

                return outcomes.ToHashSet();
            },
            seen => Channels.All(c => seen.Contains($"{c}:sent:high") || seen.Contains($"{c}:sent:low"))
                && seen.Any(s => s.EndsWith(":high", StringComparison.Ordinal)) && seen.Any(s => s.EndsWith(":low", StringComparison.Ordinal))
                && seen.Contains("bounced(bounced)") && seen.Contains("suppressed") && seen.Contains("failed(template_missing)")
                && seen.Contains("skipped(opted_out)") && seen.Contains("skipped(no_device)"),
            TimeSpan.FromSeconds(120),
            "the demo's events to cover every channel, both priorities, a bounce, a suppression, a missing template and skips");

        Assert.Contains(host.Lines, l => l.StartsWith("demo     | ", StringComparison.Ordinal) && l.Contains("hard bounce", StringComparison.Ordinal));
        await InterruptAndAssertCleanStopAsync(host, children, [portBase, portBase + 1, motoPort], wholeGroup: false);
    }

    [Fact]
    public async Task Should_restart_the_worker_and_keep_delivering_when_the_worker_is_killed_after_it_was_healthy()
    {
        var (portBase, motoPort) = AppHostProcess.FreePorts();
        await using var host = AppHostProcess.Start(["--port-base", $"{portBase}", "--moto-port", $"{motoPort}", "--admin-key", AdminKey]);
        var ready = await host.WaitReadyAsync(ReadyTimeout);
        var killed = ready.Services["worker"].Pid;

        using (var worker = Process.GetProcessById(killed))
        {
            worker.Kill(); // SIGKILL, as the kernel's OOM killer or `kill -9` would.
        }

        var restarted = await host.WaitForLineAsync(l => l.StartsWith("apphost  | worker restarted (pid ", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the worker's restart");
        // 137 = 128 + SIGKILL. Right after start-up the restart may wait a second (the crash-loop backoff).
        Assert.True(
            host.Lines.Any(l => l.StartsWith($"apphost  | worker (pid {killed}) exited unexpectedly with code 137; restarting it", StringComparison.Ordinal)),
            host.Tail());
        var pid = int.Parse(Regex.Match(restarted, @"\(pid (\d+)\)$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(killed, pid);
        var children = ProcessEntry.DescendantsOf(host.Id);
        Assert.Contains(children, c => c.Pid == pid);

        // The new worker delivers.
        using var api = Client(ready.Api);
        var eventType = "apphost.restarted";
        using (var put = await api.PutAsJsonAsync($"/api/templates/{eventType}/email/en", new { subject = "After the restart", text = "Hello." }, Ct))
        {
            Assert.True(put.IsSuccessStatusCode, $"PUT template: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(Ct)}");
        }

        var eventId = $"apphost-{Guid.NewGuid():N}";
        using (var post = await api.PostAsJsonAsync("/api/events", new { eventId, eventType, userId = "apphost-user-2", payload = new { }, channels = new[] { "email" }, recipient = new { email = "grace@example.com" } }, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        }

        // A long poll the killed worker had open goes on at the queue (on SQS as on moto) and may take the event; it then
        // stays hidden for the lane's visibility timeout (60 s) before the new worker receives it.
        try
        {
            await Deadline.PollAsync(() => ChannelStatusAsync(api, eventId, "email"), s => s == "sent", TimeSpan.FromSeconds(100), $"event {eventId}'s email to be sent by the restarted worker");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{host.Tail()}", e);
        }

        // A stop asked for is no crash: Ctrl+C stops everything and restarts nothing.
        await InterruptAndAssertCleanStopAsync(host, children, [portBase, portBase + 1, motoPort], wholeGroup: true);
        Assert.Single(host.Lines, l => l.StartsWith("apphost  | worker restarted", StringComparison.Ordinal));
    }

    /// <summary>The AppHost's descendants while it runs: moto and every service of its table must be among them.</summary>
    private static IReadOnlyList<ProcessEntry> RecordChildren(AppHostProcess host, ReadyTable ready)
    {
        var children = ProcessEntry.DescendantsOf(host.Id);
        foreach (var (name, (_, pid)) in ready.Services)
        {
            Assert.True(children.Any(c => c.Pid == pid), $"The {name} process {pid} of the table is not a child of the AppHost: {string.Join(", ", children)}");
        }

        Assert.Contains(children, c => c.Command.Contains("moto.server", StringComparison.Ordinal) && c.Command.EndsWith($" {ready.Aws.Port}", StringComparison.Ordinal));
        Assert.Equal(2, ready.Services.Count);
        return children;
    }

    /// <summary>
    /// SIGINT as Ctrl+C sends it (<paramref name="wholeGroup"/>: the services get it too) or as <c>kill -INT</c> does (the
    /// AppHost must stop the services itself); then the AppHost must exit 0, with no child left and every port free.
    /// </summary>
    private static async Task InterruptAndAssertCleanStopAsync(AppHostProcess host, IReadOnlyList<ProcessEntry> children, int[] ports, bool wholeGroup)
    {
        var before = host.Lines.Count;
        host.Interrupt(wholeGroup);
        Assert.True(await host.WaitForExitAsync(StopTimeout), $"The AppHost did not exit within {StopTimeout.TotalSeconds:0} s of SIGINT.\n{host.Tail()}");
        Assert.True(host.ExitCode == 0, $"The AppHost exited with {host.ExitCode}.\n{host.Tail()}");

        // In order: the services drain while moto still answers (a terminal's Ctrl+C reaches them all at once), so none
        // of them has anything to complain about.
        var complaints = host.Lines.Skip(before).Where(l => ServiceProblem().IsMatch(l)).ToList();
        Assert.True(complaints.Count == 0, $"The services logged problems while stopping:\n{string.Join('\n', complaints)}\n{host.Tail()}");

        // Its children were reaped by the AppHost; anything it left would have been re-parented and still run.
        var left = children.Where(c => c.IsAlive).ToList();
        foreach (var orphan in left)
        {
            try
            {
                using var process = Process.GetProcessById(orphan.Pid);
                process.Kill(entireProcessTree: true); // The test fails below; it must not leave them running either.
            }
            catch (ArgumentException)
            {
            }
        }

        Assert.True(left.Count == 0, $"Left running after the AppHost exited: {string.Join(", ", left)}\n{host.Tail()}");
        var busy = ports.Where(p => !AppHostProcess.IsPortFree(p)).ToList();
        Assert.True(busy.Count == 0, $"Ports still bound after the AppHost exited: {string.Join(", ", busy)}");
    }

    [GeneratedRegex(@"^(api|worker\S*) +\| (warn|fail|crit):")]
    private static partial Regex ServiceProblem();

    private static HttpClient Client(Uri api)
    {
        var client = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>
    /// The event as the API shows it, or null while it cannot be read: not recorded yet, or a 500 when the read raced the
    /// worker's first write of a row (moto's UpdateItem is not atomic; real DynamoDB never shows that).
    /// </summary>
    private static async Task<JsonElement?> ReadEventAsync(HttpClient api, string eventId)
    {
        using var response = await api.GetAsync($"/api/events/{eventId}", Ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.InternalServerError)
        {
            return null;
        }

        Assert.True(response.IsSuccessStatusCode, $"GET event {eventId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static async Task<string?> ChannelStatusAsync(HttpClient api, string eventId, string channel) =>
        await ReadEventAsync(api, eventId) is { } view && Row(view, channel) is { } row ? row.GetProperty("status").GetString() : null;

    private static JsonElement? Row(JsonElement view, string channel) =>
        view.GetProperty("notifications").EnumerateArray().Where(n => n.GetProperty("channel").GetString() == channel).Select(n => (JsonElement?)n).FirstOrDefault();

    /// <summary>
    /// One line the demo logs per event: <c>demo     | event {id} ({type}, {priority}, {channels}, user {user}): expect {outcomes}</c>,
    /// outcomes such as <c>email sent</c>, <c>email sent, then bounced</c>, <c>email sent, sms failed (template_missing)</c>.
    /// </summary>
    private sealed partial record DemoEvent(string EventId, string Priority, string Announced, IReadOnlyDictionary<string, (string Status, string? Reason)> Expected)
    {
        public static DemoEvent? Parse(string line)
        {
            var m = EventLine().Match(line);
            if (!m.Success)
            {
                return null;
            }

            var expected = new Dictionary<string, (string, string?)>();
            string? last = null;
            foreach (var part in m.Groups["expect"].Value.Split(", "))
            {
                if (part == "then bounced" && last is not null)
                {
                    expected[last] = ("bounced", "bounced");
                    continue;
                }

                var o = Outcome().Match(part);
                Assert.True(o.Success, $"Unreadable demo outcome '{part}' in: {line}");
                last = o.Groups["channel"].Value;
                expected[last] = (o.Groups["status"].Value, o.Groups["reason"].Success ? o.Groups["reason"].Value : null);
            }

            return new DemoEvent(m.Groups["id"].Value, m.Groups["priority"].Value, m.Groups["expect"].Value, expected);
        }

        /// <summary>Every announced channel is in its announced final state, or in another final one (which fails the test).</summary>
        public bool IsSettled(JsonElement view) => Expected.All(e =>
            Row(view, e.Key)?.GetProperty("status").GetString() is { } status
            && (status == e.Value.Status || status is "failed" or "suppressed" or "skipped" or "bounced" or "complained" or "unknown" || (status == "delivered" && e.Value.Status != "bounced")));

        [GeneratedRegex(@"^demo +\| event (?<id>\S+) \((?<type>[^,]+), (?<priority>high|low), (?<channels>\S+), user (?<user>\S+)\): expect (?<expect>.+)$")]
        private static partial Regex EventLine();

        [GeneratedRegex(@"^(?<channel>email|sms|push|in_app) (?<status>[a-z_]+)(?: \((?<reason>[a-z_]+)\))?$")]
        private static partial Regex Outcome();
    }
}
