namespace Notify.ServiceDefaults.Tests.Fixtures;

/// <summary>Finds the Prometheus tools on PATH; CI installs them (Debian's <c>prometheus</c> package).</summary>
public static class Executables
{
    public const string InstallHint = "install Debian's prometheus package: sudo apt-get install -y prometheus (it provides prometheus and promtool)";

    public static string Require(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"'{name}' is not on PATH; {InstallHint}.");
        return null!;
    }
}
