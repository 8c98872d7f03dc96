using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Notify.Aws.Http;

namespace Notify.Aws.Local;

/// <summary>How to reach a local (or real) AWS for tests and the AppHost.</summary>
public sealed record LocalAwsOptions
{
    /// <summary>An AWS endpoint that is already running (LocalStack, a shared moto). When null, moto_server is started.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Port for a started moto_server; 0 picks a free ephemeral port.</summary>
    public int Port { get; init; }

    public string Region { get; init; } = "us-east-1";

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Receives moto_server's output lines (the AppHost prefixes and prints them).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The Python interpreter that has moto; null finds it through moto_server on <see cref="SearchPath"/>.</summary>
    public string? MotoPython { get; init; } = Environment.GetEnvironmentVariable("NOTIFY_MOTO_PYTHON") is { Length: > 0 } python ? python : null;

    /// <summary>
    /// The directories searched for moto_server (PATH syntax). An option rather than a read of PATH at start so a
    /// caller can change it without changing the environment every other thread of the process sees.
    /// </summary>
    public string SearchPath { get; init; } = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
}

/// <summary>
/// One local AWS for tests and the AppHost: starts <c>moto_server</c> on loopback (or adopts a given endpoint),
/// waits until it answers, resets its state on demand and stops it without leaving an orphan process.
/// moto runs inside a small Python bootstrap that exits when its parent does, so even a SIGKILLed test host
/// or AppHost leaves nothing behind.
/// </summary>
public sealed class LocalAws : IAsyncDisposable
{
    // Runs moto in this Python process and exits when the parent (.NET) process goes away: a parent killed
    // with SIGKILL cannot clean up, and PR_SET_PDEATHSIG is tied to the forking thread, not the process.
    // It also leaves the owner's process group: a terminal's Ctrl+C signals the whole foreground group, and moto
    // must outlive the services that drain into it (the owner stops it last; the watch covers an owner that died).
    private const string Bootstrap = """
        import os, sys, threading, time
        os.setpgrp()
        parent = os.getppid()
        def watch():
            while True:
                time.sleep(0.5)
                if os.getppid() != parent:
                    os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
        from moto.server import main
        main(sys.argv[1:])
        """;

    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Process? _process;

    private LocalAws(Uri endpoint, string region, Process? process, bool isMoto)
    {
        Endpoint = endpoint;
        Connection = AwsConnection.ForLocal(endpoint, region);
        _process = process;
        IsMoto = isMoto;
    }

    public Uri Endpoint { get; }

    public AwsConnection Connection { get; }

    /// <summary>True when the endpoint is moto (started here or adopted): reset and introspection are available.</summary>
    public bool IsMoto { get; }

    public int? ProcessId => _process?.Id;

    public static async Task<LocalAws> StartAsync(LocalAwsOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Endpoint is { } endpoint)
        {
            await WaitUntilAnswersAsync(endpoint, null, options.StartTimeout, cancellationToken);
            var isMoto = await IsMotoAsync(endpoint, cancellationToken);
            return new LocalAws(endpoint, options.Region, null, isMoto);
        }

        var python = options.MotoPython ?? FindMotoPython(options.SearchPath) ?? throw new LocalAwsUnavailableException(
            "No local AWS: 'moto_server' was not found on PATH. Install it with `pip install \"moto[server]\"` (Python 3), " +
            "or pass an endpoint (e.g. LocalStack at http://localhost:4566, --aws-endpoint / NOTIFY_AWS_ENDPOINT), or use real AWS with --aws-profile.");

        var port = options.Port == 0 ? FreePort() : options.Port;
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["-c", Bootstrap, "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(arg);
        }

        var output = new BoundedLog(options.Log);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var url = new Uri($"http://127.0.0.1:{port}/");
        var local = new LocalAws(url, options.Region, process, isMoto: true);
        try
        {
            await WaitUntilAnswersAsync(url, process, options.StartTimeout, cancellationToken);
            return local;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await local.DisposeAsync();
            throw new LocalAwsUnavailableException($"moto_server did not answer on {url} within {options.StartTimeout.TotalSeconds:0} s. Its output:\n{output}", e);
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    /// <summary>Forgets every queue, table, topic and message (moto only).</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        if (!IsMoto)
        {
            throw new NotSupportedException("Reset is only available on moto; tests against LocalStack or AWS must use unique resource names.");
        }

        using var response = await Probe.PostAsync(new Uri(Endpoint, "moto-api/reset"), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>The Python interpreter that has moto: the one named in moto_server's shebang.</summary>
    private static string? FindMotoPython(string searchPath)
    {
        foreach (var dir in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "moto_server");
            if (!File.Exists(candidate))
            {
                continue;
            }

            // pyenv shims are shell scripts; ask pyenv where the real entry point is.
            var script = File.ReadLines(candidate).FirstOrDefault() ?? string.Empty;
            if (script.StartsWith("#!", StringComparison.Ordinal) && script.Contains("python", StringComparison.Ordinal))
            {
                return script[2..].Trim().Split(' ')[0];
            }

            return RunForLine("pyenv", "which", "python3") is { } viaPyenv && File.Exists(viaPyenv) ? viaPyenv : "python3";
        }

        return null;
    }

    private static string? RunForLine(string file, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi)!;
            var line = p.StandardOutput.ReadLine();
            p.WaitForExit(5000);
            return p.ExitCode == 0 ? line?.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static async Task WaitUntilAnswersAsync(Uri endpoint, Process? process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process is { HasExited: true })
            {
                throw new LocalAwsUnavailableException($"moto_server exited with code {process.ExitCode} before answering.");
            }

            try
            {
                using var response = await Probe.GetAsync(endpoint, cancellationToken);
                return; // Any HTTP answer means the server is up.
            }
            catch (HttpRequestException e)
            {
                last = e;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                last = e;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new LocalAwsUnavailableException($"No answer from {endpoint} within {timeout.TotalSeconds:0} s.", last);
    }

    private static async Task<bool> IsMotoAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Probe.GetAsync(new Uri(endpoint, "moto-api/"), cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Keeps the last lines of the child's output for error messages.</summary>
    private sealed class BoundedLog(Action<string>? sink)
    {
        private readonly Queue<string> _lines = new();

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            sink?.Invoke(line);
            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > 40)
                {
                    _lines.Dequeue();
                }
            }
        }

        public override string ToString()
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }
}

/// <summary>Neither moto nor a given endpoint is available; the message names the fix.</summary>
public sealed class LocalAwsUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
