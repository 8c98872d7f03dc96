using System.ComponentModel;
using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Api.Tests.Inbox;

/// <summary>A push as one client saw it, stamped when it arrived.</summary>
public sealed record InboxClientEvent(string Name, JsonElement Data, DateTimeOffset ReceivedAt);

/// <summary>What one live inbox client received, in order; tests wait for an event with a deadline.</summary>
public abstract class InboxEventLog
{
    private readonly Lock _gate = new();
    private readonly List<InboxClientEvent> _events = [];

    public IReadOnlyList<InboxClientEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public async Task<InboxClientEvent> WaitForAsync(string name, Func<JsonElement, bool> match, TimeSpan timeout, string what) =>
        (await Deadline.PollAsync(
            () => Task.FromResult(Events.FirstOrDefault(e => e.Name == name && match(e.Data))),
            e => e is not null,
            timeout,
            $"{what}; received: {string.Join(", ", Events.Select(e => $"{e.Name} {e.Data}"))}"))!;

    protected void Add(InboxClientEvent received)
    {
        lock (_gate)
        {
            _events.Add(received);
        }
    }
}

/// <summary>
/// A SignalR client of the hub: the official <c>@microsoft/signalr</c> client run by Node (inbox-client/inbox-client.mjs),
/// because Microsoft.AspNetCore.SignalR.Client cannot be restored from this registry (its
/// Microsoft.AspNetCore.Http.Connections.Client dependency is missing). Node stamps each push when it arrives, on the same
/// clock as the test. The script's packages come from its package-lock.json (<c>npm ci</c>, once per test run).
/// </summary>
public sealed class SignalRInboxClient : InboxEventLog, IDisposable
{
    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    private readonly Process _node;
    private readonly TaskCompletionSource<JsonElement> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SignalRInboxClient(Process node) => _node = node;

    /// <summary>Why the connection closed (SignalR's close message), once it has; null while it is open or after a clean close.</summary>
    public string? CloseError { get; private set; }

    public bool Closed { get; private set; }

    /// <summary>Starts a client and waits until it is connected or refused (the answer's <c>kind</c>: connected or failed, with its status).</summary>
    public static async Task<(SignalRInboxClient Client, JsonElement Start)> ConnectAsync(Uri hubUrl, string? token)
    {
        var folder = await Installed.Value;
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("inbox-client.mjs");
        start.ArgumentList.Add(hubUrl.ToString());
        start.ArgumentList.Add(token ?? "-");
        var node = new Process { StartInfo = start };
        var client = new SignalRInboxClient(node);
        node.OutputDataReceived += (_, e) => client.Read(e.Data);
        node.ErrorDataReceived += (_, _) => { };
        node.Start();
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        try
        {
            return (client, await client._started.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_node.HasExited)
            {
                _node.Kill(entireProcessTree: true);
                _node.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or gone already.
        }

        _node.Dispose();
    }

    /// <summary>Waits until the server has closed the connection (e.g. over the connection limit).</summary>
    public Task WaitUntilClosedAsync(TimeSpan timeout) =>
        Deadline.PollAsync(() => Task.FromResult(Closed), closed => closed, timeout, "the hub to close the connection");

    private void Read(string? line)
    {
        if (string.IsNullOrWhiteSpace(line) || !line.StartsWith('{'))
        {
            return;
        }

        var message = JsonDocument.Parse(line).RootElement.Clone();
        switch (message.GetProperty("kind").GetString())
        {
            case "connected":
                _started.TrySetResult(message);
                break;
            case "failed":
                CloseError = message.GetProperty("error").GetString();
                Closed = true;
                _started.TrySetResult(message);
                break;
            case "event":
                Add(new InboxClientEvent(
                    message.GetProperty("name").GetString()!,
                    message.GetProperty("data"),
                    DateTimeOffset.FromUnixTimeMilliseconds(message.GetProperty("receivedAt").GetInt64())));
                break;
            case "closed":
                CloseError = message.GetProperty("error").GetString();
                Closed = true;
                _started.TrySetResult(message);
                break;
        }
    }

    private static async Task<string> InstallAsync()
    {
        var folder = Path.GetFullPath(Path.Combine(SourceDirectory(), "..", "inbox-client"));
        if (Directory.Exists(Path.Combine(folder, "node_modules", "@microsoft", "signalr")))
        {
            return folder;
        }

        try
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund --loglevel=error") { WorkingDirectory = folder, UseShellExecute = false })
                            ?? throw new InvalidOperationException("npm could not be started.");
            await npm.WaitForExitAsync();
            return npm.ExitCode == 0 ? folder : throw new InvalidOperationException($"`npm ci` in {folder} failed with exit code {npm.ExitCode}.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("The live inbox tests run the official SignalR client with Node.js 20+ and npm on PATH.", e);
        }
    }

    private static string SourceDirectory([CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}

/// <summary>A Server-Sent Events client of the stream, over HttpClient, parsing with System.Net.ServerSentEvents.</summary>
public sealed class SseInboxClient : InboxEventLog, IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private SseInboxClient(HttpResponseMessage response)
    {
        _response = response;
        _reading = ReadAsync();
    }

    /// <summary>True once the server ended the stream (token expired, instance stopping).</summary>
    public bool Ended { get; private set; }

    /// <summary>Opens the stream; answers the refusal (status and problem body) instead when it is not 200.</summary>
    public static async Task<(SseInboxClient? Client, HttpResponseMessage? Refusal)> OpenAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        return response.IsSuccessStatusCode ? (new SseInboxClient(response), null) : (null, response);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException)
        {
            // The read ends with the response.
        }

        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        await using var body = await _response.Content.ReadAsStreamAsync(_stop.Token);
        await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
        {
            Add(new InboxClientEvent(item.EventType, JsonDocument.Parse(item.Data).RootElement.Clone(), DateTimeOffset.UtcNow));
        }

        Ended = true;
    }
}
