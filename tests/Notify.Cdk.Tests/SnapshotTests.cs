using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Notify.Cdk.Tests.Fixtures;

namespace Notify.Cdk.Tests;

/// <summary>
/// The prod templates, as <c>npx cdk synth -c stage=prod</c> writes them, against the checked-in copies in Snapshots/.
/// Asset hashes (the image tags, which change with every source edit) are written as <c>[asset-hash]</c>. A deliberate
/// change: run with <c>UPDATE_SNAPSHOTS=1</c>, review the diff, commit it.
/// </summary>
[Collection(SynthesizedApps.Name)]
[Trait("Category", "Slow")]
public sealed partial class SnapshotTests(ProdApp prod)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public void Should_synthesize_the_checked_in_prod_templates_when_nothing_changed_deliberately()
    {
        var update = Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1";
        foreach (var template in prod.Templates)
        {
            var path = Path.Combine(SynthesizedApp.RepositoryRoot, "tests", "Notify.Cdk.Tests", "Snapshots", $"{template.Name}.template.json");
            var actual = Normalize(template.Json);
            if (update)
            {
                File.WriteAllText(path, actual);
                continue;
            }

            Assert.True(File.Exists(path), $"No snapshot at {path}: run the tests once with UPDATE_SNAPSHOTS=1 and commit it.");
            var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
            Assert.True(
                expected == actual,
                $"{template.Name} differs from {path} at line {FirstDifference(expected, actual)}. If the change is deliberate, run with UPDATE_SNAPSHOTS=1 and commit the diff.");
        }
    }

    [Fact]
    public void Should_hide_only_the_asset_hashes_when_normalizing()
    {
        var normalized = Normalize(prod.Services.Json);

        Assert.DoesNotMatch(AssetHash(), normalized);
        Assert.Contains("cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}:[asset-hash]", normalized, StringComparison.Ordinal);
        Assert.Equal(prod.Services.Json.ToJsonString().Length - AssetHash().Matches(prod.Services.Json.ToJsonString()).Count * (64 - "[asset-hash]".Length), JsonNode.Parse(normalized)!.ToJsonString().Length);
    }

    private static string Normalize(JsonObject template) => AssetHash().Replace(template.ToJsonString(Indented), "[asset-hash]").ReplaceLineEndings("\n") + "\n";

    private static int FirstDifference(string expected, string actual)
    {
        var (e, a) = (expected.Split('\n'), actual.Split('\n'));
        var line = 0;
        while (line < Math.Min(e.Length, a.Length) && e[line] == a[line])
        {
            line++;
        }

        return line + 1;
    }

    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex AssetHash();
}
