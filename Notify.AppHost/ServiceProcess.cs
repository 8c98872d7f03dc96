using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Notify.AppHost;

/// <summary>
/// A Notify service run as a child process: its output streamed with a name prefix, its readiness read from
/// <c>/health</c>, and a clean stop (SIGTERM, then SIGKILL after a grace period) so no process or port is left behind.
/// </summary>
internal sealed partial class ServiceProcess : IAsyncDisposable
{
    private static readonly object ConsoleLock = new();
    private readonly Process _process;

    private ServiceProcess(string name, Uri url, Process process)
    {
        Name = name;
        Url = url;
        _process = process;
    }

    public string Name { get; }

    public Uri Url { get; }

    public int Id => _process.Id;

    public static ServiceProcess Start(string name, string assemblyName, Uri url, IReadOnlyDictionary<string, string?> environment)
    {
        var path = Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "service:" + assemblyName)?.Value
            ?? throw new InvalidOperationException($"The AppHost was built without {assemblyName}; rebuild Notify.AppHost.");

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
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(name, url, process);
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
            _process.Dispose();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
