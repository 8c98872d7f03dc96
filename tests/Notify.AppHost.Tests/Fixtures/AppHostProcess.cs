using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Notify.AppHost.Tests.Fixtures;

/// <summary>What the AppHost printed once ready: the URLs of its table and the pid of each service.</summary>
public sealed record ReadyTable(Uri Api, Uri Aws, IReadOnlyDictionary<string, (Uri Url, int Pid)> Services);

/// <summary>
/// Notify.AppHost run as developers run it, as a real process (<c>dotnet Notify.AppHost.dll …</c>), its output kept line by
/// line, interrupted with SIGINT as Ctrl+C does. Disposing kills whatever is left of its tree, so a failed test leaves
/// nothing running either.
/// </summary>
public sealed partial class AppHostProcess : IAsyncDisposable
{
    private const int SigInt = 2;
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _newLine = new(0);

    private readonly bool _ownGroup;

    private AppHostProcess(Process process, bool ownGroup)
    {
        _process = process;
        _ownGroup = ownGroup;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The AppHost's output so far, stdout and stderr interleaved as they arrived.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The Notify.AppHost.dll this build produced (recorded at build time by the test project).</summary>
    public static string AssemblyPath { get; } =
        typeof(AppHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Notify.AppHost").Value!;

    /// <summary>
    /// Starts the AppHost with <paramref name="arguments"/>; <paramref name="environment"/> (e.g. <c>Notify__Worker__…</c>
    /// settings) is added to its environment, which its services inherit.
    /// </summary>
    public static AppHostProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        Assert.True(File.Exists(AssemblyPath), $"{AssemblyPath} is missing; build the solution first.");

        // Its own session (setsid execs in place, so the pid stays the AppHost's): Ctrl+C signals a terminal's whole
        // foreground process group, and Interrupt does the same to the AppHost's group.
        // A shell starts background jobs with SIGINT ignored, and an ignored signal stays ignored across exec: the AppHost
        // would then rightly not react to the SIGINT the tests send. Under such a runner, reset it as a terminal would.
        var command = new List<string>();
        if (OnPath("setsid"))
        {
            command.Add("setsid");
        }

        if (SigIntIgnored())
        {
            command.AddRange(["env", "--default-signal=INT"]);
        }

        command.Add("dotnet");
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var word in command.Skip(1))
        {
            start.ArgumentList.Add(word);
        }

        start.ArgumentList.Add(AssemblyPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The children's logs stay readable in a failure message, and nothing here comes from the test runner's settings.
        start.Environment.Remove("NOTIFY_ADMIN_KEY");
        start.Environment["Logging__Console__DisableColors"] = "true";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new AppHostProcess(process, ownGroup: command[0] == "setsid");
        process.OutputDataReceived += (_, e) => host.Add(e.Data);
        process.ErrorDataReceived += (_, e) => host.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits for the table the AppHost prints once every service answered <c>/health</c>, and reads it.</summary>
    public async Task<ReadyTable> WaitReadyAsync(TimeSpan timeout)
    {
        await WaitForLineAsync(l => l.Contains("Ctrl+C stops everything.", StringComparison.Ordinal), timeout, "the ready table");
        var table = Lines.Where(l => l.StartsWith("apphost  |", StringComparison.Ordinal)).Select(l => l[10..]).ToList();
        Uri Value(string label) =>
            table.Select(l => Regex.Match(l, $@"^\s+{label}\s+(\S+)$")).Where(m => m.Success).Select(m => new Uri(m.Groups[1].Value)).FirstOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"The ready table has no {label} line.\n{Tail()}");
        var services = table.Select(l => ServiceLine().Match(l)).Where(m => m.Success).ToDictionary(
            m => m.Groups["name"].Value,
            m => (new Uri(m.Groups["url"].Value), int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture)));
        return new ReadyTable(Value("API"), Value("AWS"), services);
    }

    /// <summary>Waits until some output line, past or future, satisfies <paramref name="match"/>; returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var seen = 0;
        while (true)
        {
            var lines = Lines;
            for (; seen < lines.Count; seen++)
            {
                if (match(lines[seen]))
                {
                    return lines[seen];
                }
            }

            if (_process.HasExited)
            {
                // Output may still be draining after the exit; one last look once it is complete.
                await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
                if (Lines.Skip(seen).FirstOrDefault(match) is { } late)
                {
                    return late;
                }

                throw new Xunit.Sdk.XunitException($"The AppHost exited with code {_process.ExitCode} before {what}.\n{Tail()}");
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new Xunit.Sdk.XunitException($"No {what} from the AppHost within {timeout.TotalSeconds:0} s.\n{Tail()}");
            }

            await _newLine.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// SIGINT (.NET's Process.Kill only knows SIGKILL). With <paramref name="wholeGroup"/>, as a terminal's Ctrl+C delivers
    /// it: to the AppHost and every process of its group, i.e. the services it started; else to the AppHost alone, as
    /// <c>kill -INT pid</c> does.
    /// </summary>
    public void Interrupt(bool wholeGroup)
    {
        Assert.True(!wholeGroup || _ownGroup, "setsid is not on PATH, so the AppHost has no process group of its own to signal.");
        Assert.Equal(0, Kill(wholeGroup ? -_process.Id : _process.Id, SigInt));
    }

    /// <summary>True when the process exited within <paramref name="timeout"/> and its output was read to the end.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The last lines of output, for failure messages.</summary>
    public string Tail(int count = 80) => "AppHost output (last lines):\n" + string.Join('\n', Lines.TakeLast(count));

    /// <summary>A port is free when nothing accepts connections on it and a listener can bind it (TIME_WAIT aside).</summary>
    public static bool IsPortFree(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return false;
        }
        catch (SocketException)
        {
        }

        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// A port base N whose N and N+1 (API, worker) and N+2 are free, and another free port for moto, all below Linux's
    /// ephemeral range so outgoing connections do not take them in the meantime.
    /// </summary>
    public static (int PortBase, int MotoPort) FreePorts()
    {
        var random = new Random();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var portBase = random.Next(20000, 32000);
            var moto = random.Next(20000, 32000);
            if (moto >= portBase - 1 && moto <= portBase + 3)
            {
                continue;
            }

            if (Enumerable.Range(portBase, 3).Append(moto).All(IsPortFree))
            {
                return (portBase, moto);
            }
        }

        throw new Xunit.Sdk.XunitException("Found no free ports in 20000..32000.");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            _process.Dispose();
            _newLine.Dispose();
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        try
        {
            _newLine.Release();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, name)));

    /// <summary>SigIgn in /proc/self/status is a hex mask of ignored signals; bit 1 is SIGINT.</summary>
    private static bool SigIntIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (ulong.Parse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (SigInt - 1))) != 0;
    }

    // "  api health             http://127.0.0.1:5080/health   metrics: …   (pid 1234)"
    [GeneratedRegex(@"^\s+(?<name>\S+) health\s+(?<url>\S+)health\s.*\(pid (?<pid>\d+)\)$")]
    private static partial Regex ServiceLine();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
