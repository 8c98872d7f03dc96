using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Notify.AppHost;

/// <summary>
/// A Notify service run as a child process: its output streamed with a name prefix, its readiness read from
/// <c>/health</c>, and a clean stop (SIGTERM, then SIGKILL after a grace period) so no process or port is left behind.
/// Once healthy, a service that dies on its own (a crash, an out-of-memory kill, <c>kill -9</c>) is started again, as a
/// supervisor would: at once, or after 1, 2, 4 … 30 s while it keeps dying within <see cref="QuickExit"/> of its start.
/// </summary>
internal sealed partial class ServiceProcess : IAsyncDisposable
{
    /// <summary>A service that dies sooner than this after its start is crash-looping: its restarts back off.</summary>
    private static readonly TimeSpan QuickExit = TimeSpan.FromSeconds(5);

    private static readonly object ConsoleLock = new();
    private readonly string _path;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Process _process = null!;
    private DateTime _startedAt;
    private bool _supervised;
    private int _quickExits;

    private ServiceProcess(string name, Uri url, string path, IReadOnlyDictionary<string, string?> environment)
    {
        Name = name;
        Url = url;
        _path = path;
        _environment = environment;
    }

    public string Name { get; }

    public Uri Url { get; }

    public int Id
    {
        get
        {
            lock (_gate)
            {
                return _process.Id;
            }
        }
    }

    public static ServiceProcess Start(string name, string assemblyName, Uri url, IReadOnlyDictionary<string, string?> environment)
    {
        var path = Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "service:" + assemblyName)?.Value
            ?? throw new InvalidOperationException($"The AppHost was built without {assemblyName}; rebuild Notify.AppHost.");
        var service = new ServiceProcess(name, url, path, environment);
        lock (service._gate)
        {
            service.Launch();
        }

        return service;
    }

    /// <summary>Starts the process; called under <see cref="_gate"/>.</summary>
    private void Launch()
    {
        var (name, path, url, environment) = (Name, _path, Url, _environment);

        // The content root is the build output, where the service's appsettings.json lives.
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(path)!,
        };
        start.ArgumentList.Add(path);
        // "Urls" (not only ASPNETCORE_URLS): environment variables are read after appsettings.json, so this wins over
        // the service's own default port.
        start.Environment["ASPNETCORE_URLS"] = start.Environment["Urls"] = url.ToString().TrimEnd('/');
        start.Environment["DOTNET_ENVIRONMENT"] = start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(name, e.Data);
        process.ErrorDataReceived += (_, e) => Write(name, e.Data);
        process.Exited += (_, _) => _ = RestartAsync(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _startedAt = DateTime.UtcNow;
    }

    /// <summary>
    /// Starts the service again after <paramref name="exited"/> ended on its own: not while the AppHost stops it, not before
    /// it was first healthy (a start-up failure fails the AppHost instead), and not after a clean exit (code 0, e.g. the
    /// SIGINT of a terminal's Ctrl+C, which reaches the services too).
    /// </summary>
    private async Task RestartAsync(Process exited)
    {
        TimeSpan delay;
        int code;
        lock (_gate)
        {
            code = exited.ExitCode;
            if (!_supervised || _stopping.IsCancellationRequested || code == 0 || !ReferenceEquals(exited, _process))
            {
                return;
            }

            _quickExits = DateTime.UtcNow - _startedAt < QuickExit ? _quickExits + 1 : 0;
            delay = _quickExits == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(_quickExits - 1, 5)));
        }

        Write("apphost", $"{Name} (pid {exited.Id}) exited unexpectedly with code {code}; restarting it{(delay > TimeSpan.Zero ? $" in {delay.TotalSeconds:0} s" : string.Empty)}");
        try
        {
            await Task.Delay(delay, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            try
            {
                Launch();
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                Write("apphost", $"{Name} could not be restarted: {e.Message}");
                return;
            }

            exited.Dispose();
            Write("apphost", $"{Name} restarted (pid {_process.Id})");
        }
    }

    public static void Write(string name, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (ConsoleLock)
        {
            Console.Out.WriteLine($"{name,-9}| {line}");
        }
    }

    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was healthy.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Url, "health"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    lock (_gate)
                    {
                        _supervised = true;
                    }

                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow answer; try again.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"{Name} was not healthy at {Url}health within {timeout.TotalSeconds:0} s.");
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            // From here on an exit is the one asked for: no restart.
            _stopping.Cancel();
        }

        try
        {
            if (!_process.HasExited)
            {
                // SIGTERM lets the service finish in-flight work within its own grace period.
                _ = Kill(_process.Id, 15);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(35));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        finally
        {
            // _stopping stays undisposed: a restart that was waiting may still read its token.
            _process.Dispose();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
