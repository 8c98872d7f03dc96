using System.Text.Json;
using System.Text.Json.Nodes;

namespace Notify.EndToEnd.Fixtures;

/// <summary>
/// The figures a test measured (throughput, drain time, retries, duplicates), printed to the test output and merged into
/// <c>e2e-figures.json</c> beside the test assembly, one entry per test, so a run's figures can be quoted.
/// </summary>
public static class Figures
{
    private static readonly Lock Gate = new();

    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "e2e-figures.json");

    public static void Record(string name, IReadOnlyDictionary<string, object?> figures)
    {
        var entry = JsonSerializer.SerializeToNode(figures)!.AsObject();
        entry["recordedAt"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        lock (Gate)
        {
            var all = File.Exists(FilePath) && JsonNode.Parse(File.ReadAllText(FilePath)) is JsonObject existing ? existing : [];
            all[name] = entry;
            File.WriteAllText(FilePath, all.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"{name}: {entry.ToJsonString()}");
        output?.WriteLine($"(also in {FilePath})");
    }
}
