using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;

namespace Notify.Cdk.Tests.Fixtures;

/// <summary>
/// The CDK app synthesized once, in process, with cdk.json's context plus <paramref name="context"/> and the settings
/// cdk.json gives the CLI (no version reporting, path or asset metadata), so the templates are those <c>npx cdk synth</c>
/// writes. Each stack's template is there twice: for CDK's assertions and as JSON to walk. A synth takes ~10 s here, so
/// the apps are shared by every test (<see cref="SynthesizedApps"/>).
/// </summary>
public abstract class SynthesizedApp : IDisposable
{
    private readonly string _outdir = Directory.CreateTempSubdirectory("notify-cdk-").FullName;

    protected SynthesizedApp(IReadOnlyDictionary<string, object> context)
    {
        var app = new App(new AppProps { Context = Context(context), Outdir = _outdir });
        Stacks = NotifyApp.Compose(app);
        app.Synth();
        Data = new StackTemplate(Stacks.Data, _outdir);
        Messaging = new StackTemplate(Stacks.Messaging, _outdir);
        Services = new StackTemplate(Stacks.Services, _outdir);
    }

    internal NotifyStacks Stacks { get; }

    internal StageSettings Stage => Stacks.Settings.Stage;

    public StackTemplate Data { get; }

    public StackTemplate Messaging { get; }

    public StackTemplate Services { get; }

    public IEnumerable<StackTemplate> Templates => [Data, Messaging, Services];

    /// <summary>The stack's asset manifest: what <c>cdk deploy</c> would build and publish (images, files).</summary>
    internal string AssetManifest(Stack stack) => Path.Combine(_outdir, $"{stack.ArtifactId}.assets.json");

    public void Dispose()
    {
        Directory.Delete(_outdir, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>cdk.json's context under what this app adds: the same defaults the CLI would start from.</summary>
    internal static Dictionary<string, object> Context(IReadOnlyDictionary<string, object> overrides)
    {
        var context = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["aws:cdk:version-reporting"] = false,
            ["aws:cdk:enable-path-metadata"] = false,
            ["aws:cdk:enable-asset-metadata"] = false,
        };
        foreach (var (key, value) in JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "cdk", "cdk.json")))!["context"]!.AsObject())
        {
            context[key] = value!.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.GetValue<bool>();
        }

        foreach (var (key, value) in overrides)
        {
            context[key] = value;
        }

        return context;
    }

    internal static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot([CallerFilePath] string path = "")
    {
        for (var directory = new DirectoryInfo(Path.GetDirectoryName(path)!); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Notify.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Notify.sln not found above {path}.");
    }
}

/// <summary><c>-c stage=dev</c>, everything else from cdk.json.</summary>
public sealed class DevApp() : SynthesizedApp(new Dictionary<string, object> { ["stage"] = "dev" });

/// <summary><c>-c stage=prod</c>, everything else from cdk.json: what the snapshot holds.</summary>
public sealed class ProdApp() : SynthesizedApp(new Dictionary<string, object> { ["stage"] = "prod" });

/// <summary>
/// Prod with every option on: the API on Fargate behind HTTPS, Prometheus, FCM and APNs credentials (APNs sandbox left
/// out, so it is skipped) and an alarm email.
/// </summary>
public sealed class VariantApp() : SynthesizedApp(new Dictionary<string, object>
{
    ["stage"] = "prod",
    ["apiHosting"] = "fargate",
    ["prometheus"] = "true",
    ["fcmSecretArn"] = FcmSecretArn,
    ["apnsSecretArn"] = ApnsSecretArn,
    ["alarmEmail"] = "oncall@example.com",
    ["certificateArn"] = "arn:aws:acm:eu-west-1:111122223333:certificate/00000000-0000-0000-0000-000000000000",
})
{
    public const string FcmSecretArn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:notify/fcm-AbCdEf";

    public const string ApnsSecretArn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:notify/apns-GhIjKl";
}

[CollectionDefinition(Name)]
public sealed class SynthesizedApps : ICollectionFixture<DevApp>, ICollectionFixture<ProdApp>, ICollectionFixture<VariantApp>
{
    public const string Name = "Synthesized CDK apps";
}

/// <summary>One stack's synthesized template.</summary>
public sealed class StackTemplate
{
    internal StackTemplate(Stack stack, string outdir)
    {
        Name = stack.StackName;
        Assertions = Template.FromStack(stack);
        Json = JsonNode.Parse(File.ReadAllText(Path.Combine(outdir, stack.TemplateFile)))!.AsObject();
    }

    public string Name { get; }

    public Template Assertions { get; }

    public JsonObject Json { get; }

    public JsonObject Resources => Json["Resources"]!.AsObject();

    public JsonObject Outputs => Json["Outputs"]?.AsObject() ?? [];

    /// <summary>Every resource of <paramref name="type"/>, with its logical id.</summary>
    public IEnumerable<(string Id, JsonObject Resource)> OfType(string type) =>
        Resources.Where(r => (string?)r.Value!["Type"] == type).Select(r => (r.Key, r.Value!.AsObject()));

    /// <summary>
    /// The one resource whose logical id is <paramref name="constructPath"/> (the construct path without separators)
    /// followed by CDK's 8-character hash.
    /// </summary>
    public JsonObject Resource(string constructPath)
    {
        var matches = Resources.Where(r => r.Key.Length == constructPath.Length + 8 && r.Key.StartsWith(constructPath, StringComparison.Ordinal)).ToList();
        return matches.Count == 1
            ? matches[0].Value!.AsObject()
            : throw new InvalidOperationException($"{Name}: {matches.Count} resources named {constructPath}*: {string.Join(", ", Resources.Select(r => r.Key))}");
    }

    public string LogicalId(string constructPath) =>
        Resources.Single(r => r.Key.Length == constructPath.Length + 8 && r.Key.StartsWith(constructPath, StringComparison.Ordinal)).Key;
}
