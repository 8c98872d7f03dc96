using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.Logs;
using Constructs;
using Notify.Core.Resources;

namespace Notify.Cdk;

/// <summary>Where the API runs: Lambda behind an HTTP API (the default), or Fargate tasks behind an ALB.</summary>
internal enum ApiHosting
{
    Lambda,
    Fargate,
}

/// <summary>
/// Everything that differs between deployments, from CDK context (<c>cdk.json</c>, then <c>-c key=value</c>). Read once,
/// validated up front, so a typo fails the synth with the key's name instead of deploying something else.
/// </summary>
internal sealed partial record DeploymentSettings(
    StageSettings Stage,
    string SenderDomain,
    ApiHosting ApiHosting,
    bool Prometheus,
    IReadOnlyDictionary<string, string> PlatformSecretArns,
    string? AlarmEmail,
    string? CertificateArn,
    Amazon.CDK.Environment? Environment)
{
    /// <summary>The context key of each platform application's credentials secret, by logical name (fcm → fcmSecretArn).</summary>
    public static IReadOnlyDictionary<string, string> SecretContextKeys { get; } = NotifyResources.PlatformApplications.ToDictionary(
        a => a.Name,
        a => string.Concat(a.Name.Split('-').Select((part, i) => i == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..])) + "SecretArn");

    /// <summary>
    /// Names what Notify creates that AWS does not name for it, e.g. the inbox queues each API instance creates
    /// (<c>{prefix}-inbox-*</c>); CloudFormation names everything the stacks declare.
    /// </summary>
    public string ResourcePrefix => $"notify-{Stage.Name}";

    public static DeploymentSettings FromContext(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var stage = Text(node, "stage") ?? "dev";
        var hosting = Text(node, "apiHosting") ?? "lambda";
        var domain = Text(node, "senderDomain") ?? throw Invalid("senderDomain", null, "a domain you can verify in SES, e.g. notify.example.com");
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (platform, key) in SecretContextKeys)
        {
            if (Text(node, key) is { } arn)
            {
                secrets[platform] = SecretArn().IsMatch(arn) ? arn : throw Invalid(key, arn, "a Secrets Manager secret ARN");
            }
        }

        var account = Text(node, "account");
        var region = Text(node, "region");
        return new DeploymentSettings(
            stage switch
            {
                "dev" => StageSettings.Dev,
                "prod" => StageSettings.Prod,
                _ => throw Invalid("stage", stage, "dev or prod"),
            },
            Domain().IsMatch(domain) ? domain : throw Invalid("senderDomain", domain, "a domain name"),
            hosting switch
            {
                "lambda" => ApiHosting.Lambda,
                "fargate" => ApiHosting.Fargate,
                _ => throw Invalid("apiHosting", hosting, "lambda or fargate"),
            },
            Text(node, "prometheus") switch
            {
                null or "false" => false,
                "true" => true,
                var other => throw Invalid("prometheus", other, "true or false"),
            },
            secrets,
            Text(node, "alarmEmail") is { } email ? email.Contains('@', StringComparison.Ordinal) ? email : throw Invalid("alarmEmail", email, "an email address") : null,
            Text(node, "certificateArn") is { } certificate
                ? certificate.StartsWith("arn:", StringComparison.Ordinal) ? certificate : throw Invalid("certificateArn", certificate, "an ACM certificate ARN")
                : null,
            account is null && region is null ? null : new Amazon.CDK.Environment { Account = account, Region = region });
    }

    /// <summary>Context values arrive as strings from <c>-c</c> and as JSON values from cdk.json.</summary>
    private static string? Text(Node node, string key) =>
        node.TryGetContext(key) switch
        {
            null => null,
            string s when string.IsNullOrWhiteSpace(s) => null,
            string s => s.Trim(),
            bool b => b ? "true" : "false",
            var other => Convert.ToString(other, CultureInfo.InvariantCulture),
        };

    private static ArgumentException Invalid(string key, string? value, string expected) =>
        new($"CDK context '{key}' must be {expected}" + (value is null ? " (pass -c " + key + "=...)." : $"; got '{value}'."), key);

    [GeneratedRegex(@"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$")]
    private static partial Regex SecretArn();

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]
    private static partial Regex Domain();
}

/// <summary>What differs between dev and prod. Figures a team would tune live here, in one place.</summary>
internal sealed record StageSettings(
    string Name,
    RemovalPolicy RemovalPolicy,
    bool DeletionProtection,
    RetentionDays LogRetention,
    int NatGateways,
    int WorkerMinTasks,
    int WorkerMaxTasks,
    int ApiMinTasks,
    int ApiMaxTasks,
    double ApiRateLimit,
    int ApiBurstLimit,
    int ApiMemoryMiB,
    int HighLaneAgeAlarmSeconds,
    int LowLaneAgeAlarmSeconds,
    double Api5xxPercent,
    double DeliveryFailurePercent,
    int LambdaErrorsPerFiveMinutes,
    bool ContainerInsights)
{
    /// <summary>Cheap and disposable: everything is deleted with the stacks, one NAT gateway, one worker.</summary>
    public static StageSettings Dev { get; } = new(
        Name: "dev",
        RemovalPolicy: RemovalPolicy.DESTROY,
        DeletionProtection: false,
        LogRetention: RetentionDays.ONE_WEEK,
        NatGateways: 1,
        WorkerMinTasks: 1,
        WorkerMaxTasks: 2,
        ApiMinTasks: 1,
        ApiMaxTasks: 2,
        ApiRateLimit: 50,
        ApiBurstLimit: 100,
        ApiMemoryMiB: 1024,
        HighLaneAgeAlarmSeconds: 600,
        LowLaneAgeAlarmSeconds: 3600,
        Api5xxPercent: 5,
        DeliveryFailurePercent: 20,
        LambdaErrorsPerFiveMinutes: 10,
        ContainerInsights: false);

    /// <summary>Data outlives the stacks (RETAIN, deletion protection); two AZs' NAT; alarms close to what users notice.</summary>
    public static StageSettings Prod { get; } = new(
        Name: "prod",
        RemovalPolicy: RemovalPolicy.RETAIN,
        DeletionProtection: true,
        LogRetention: RetentionDays.THREE_MONTHS,
        NatGateways: 2,
        WorkerMinTasks: 2,
        WorkerMaxTasks: 10,
        ApiMinTasks: 2,
        ApiMaxTasks: 10,
        ApiRateLimit: 500,
        ApiBurstLimit: 1000,
        ApiMemoryMiB: 1024,
        HighLaneAgeAlarmSeconds: 120,
        LowLaneAgeAlarmSeconds: 900,
        Api5xxPercent: 1,
        DeliveryFailurePercent: 5,
        LambdaErrorsPerFiveMinutes: 1,
        ContainerInsights: true);
}
