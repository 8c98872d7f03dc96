using System.Globalization;

namespace Notify.AppHost.Tests.Fixtures;

/// <summary>
/// A process as <c>/proc</c> shows it. The start time (clock ticks since boot) tells a process from a later one that
/// reuses its pid, so "still alive" means this very process.
/// </summary>
public sealed record ProcessEntry(int Pid, int ParentPid, ulong StartTime, char State, string Command)
{
    /// <summary>Running or stopped, not a zombie: a zombie has exited and only waits to be reaped.</summary>
    public bool IsAlive => Read(Pid) is { } now && now.StartTime == StartTime && now.State != 'Z';

    public override string ToString() => $"{Pid} ({(Command.Length > 100 ? Command[..100] + "…" : Command)}, state {State})";

    /// <summary>Every process whose parent chain leads to <paramref name="pid"/>, read from <c>/proc/*/stat</c>.</summary>
    public static IReadOnlyList<ProcessEntry> DescendantsOf(int pid)
    {
        var all = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var p) ? Read(p) : null)
            .OfType<ProcessEntry>()
            .ToList();
        var found = new List<ProcessEntry>();
        var parents = new Queue<int>([pid]);
        while (parents.TryDequeue(out var parent))
        {
            foreach (var child in all.Where(p => p.ParentPid == parent))
            {
                found.Add(child);
                parents.Enqueue(child.Pid);
            }
        }

        return found;
    }

    /// <summary>Parses <c>/proc/{pid}/stat</c>: "pid (comm) state ppid … starttime(22nd field) …"; comm may hold spaces or ')'.</summary>
    public static ProcessEntry? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // Gone (FileNotFound/DirectoryNotFound are IOExceptions too).
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }

        // Fields after comm start with the 3rd (state); starttime is the 22nd.
        var rest = stat[(close + 2)..].Split(' ');
        return new ProcessEntry(
            pid,
            int.Parse(rest[1], CultureInfo.InvariantCulture),
            ulong.Parse(rest[19], CultureInfo.InvariantCulture),
            rest[0][0],
            CommandLine(pid) ?? stat[(open + 1)..close]);
    }

    private static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Replace('\n', ' ').Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
