using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Notify.Worker.Tests.Fixtures;

/// <summary>
/// Notify.Api or Notify.Worker as its own process (<c>dotnet {name}.dll</c> from the test's output directory, where the
/// project references copy both with their runtimeconfig and deps), configured through environment variables, on a port
/// Kestrel picks and the lifetime log reports. Killed, with its children, on dispose and when the test process exits.
/// </summary>
public sealed partial class HostProcess : IDisposable
{
    private const int TailLines = 100;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly EventHandler _onExit;

    private HostProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _onExit = (_, _) => KillQuietly();
        AppDomain.CurrentDomain.ProcessExit += _onExit;
    }

    public string Name { get; }

    public int ProcessId => _process.Id;

    /// <summary>The exit code once the process has exited on its own; null while it runs.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public Uri Address => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : throw new InvalidOperationException($"{Name} is not listening yet.");

    public static HostProcess Start(string name, IReadOnlyDictionary<string, string?> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, name + ".dll");
        if (!File.Exists(dll) || !File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException($"{name}.dll and its runtimeconfig are not in {AppContext.BaseDirectory}.");
        }

        // The dotnet CLI tells its children where it is; outside it, dotnet is on the PATH.
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(dll);
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        // Kestrel picks the port; the lifetime logger says which, even with the default level at Warning.
        info.Environment["Urls"] = "http://127.0.0.1:0";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        info.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        var process = new Process { StartInfo = info };
        var hostProcess = new HostProcess(name, process);
        process.OutputDataReceived += (_, e) => hostProcess.Record(e.Data);
        process.ErrorDataReceived += (_, e) => hostProcess.Record(e.Data);
        process.Exited += (_, _) => hostProcess._listening.TrySetException(new InvalidOperationException($"{name} exited:{Environment.NewLine}{hostProcess.OutputTail()}"));
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return hostProcess;
    }

    public async Task WaitUntilListeningAsync()
    {
        try
        {
            await _listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{Name} did not report its address:{Environment.NewLine}{OutputTail()}", e);
        }
    }

    public string OutputTail() => string.Join(Environment.NewLine, _output);

    /// <summary>A process that died on its own (bad configuration, a crash) fails the test at once rather than at a timeout.</summary>
    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:{Environment.NewLine}{OutputTail()}");
        }
    }

    /// <summary>
    /// SIGTERM, as an orchestrator stops a service (through <c>kill</c>: .NET's Process.Kill only knows SIGKILL): the host
    /// runs its shutdown, hosted services stop, and the process exits within <paramref name="timeout"/> or the test fails.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        var signal = new ProcessStartInfo("kill") { UseShellExecute = false };
        signal.ArgumentList.Add("-TERM");
        signal.ArgumentList.Add(_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using (var kill = Process.Start(signal) ?? throw new InvalidOperationException("kill could not be started."))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:0} s of SIGTERM:{Environment.NewLine}{OutputTail()}", e);
        }
    }

    /// <summary>SIGKILL: no shutdown hook runs, claims and received messages are left as they are.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        KillQuietly();
        _process.Dispose();
    }

    private void KillQuietly()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }

        _output.Enqueue(line);
        while (_output.Count > TailLines && _output.TryDequeue(out _))
        {
        }
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
    private static partial Regex ListeningLine();
}
