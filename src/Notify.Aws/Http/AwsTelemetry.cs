using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;

namespace Notify.Aws.Http;

/// <summary>Spans and meters of the AWS client layer; ServiceDefaults subscribes to both names.</summary>
public static class AwsTelemetry
{
    public const string Name = "Notify.Aws";

    public static readonly ActivitySource Source = new(Name);

    internal static readonly Meter Meter = new(Name);

    /// <summary>Every HTTP attempt, retries included: the figure benchmarks divide by accepted events.</summary>
    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "notify.aws.requests", unit: "{request}", description: "HTTP requests sent to AWS services, retries included.");

    internal static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "notify.aws.retries", unit: "{retry}", description: "AWS calls retried after throttling, 5xx or a transient network error.");

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "notify.aws.call.duration", unit: "s", description: "Duration of AWS calls, retries included.");

    private static readonly KeyValuePair<string, object?> SqsSystem = new("messaging.system", "aws_sqs");

    /// <summary>
    /// The queue an SQS call addresses, under OpenTelemetry's AWS SQS names: <c>aws.sqs.queue.url</c> and the queue name
    /// (the URL's last segment) as <c>messaging.destination.name</c>. Empty when nobody listens, so untraced calls allocate nothing.
    /// </summary>
    internal static IReadOnlyList<KeyValuePair<string, object?>> SqsQueueTags(string? queueUrl)
    {
        if (string.IsNullOrEmpty(queueUrl) || !Source.HasListeners())
        {
            return [];
        }

        var path = queueUrl.AsSpan().TrimEnd('/');
        var name = path[(path.LastIndexOf('/') + 1)..];
        return name.IsEmpty
            ? [new("aws.sqs.queue.url", queueUrl), SqsSystem]
            : [new("aws.sqs.queue.url", queueUrl), SqsSystem, new("messaging.destination.name", name.ToString())];
    }

    /// <summary>The queue a CreateQueue or GetQueueUrl call names: its URL is not known yet.</summary>
    internal static IReadOnlyList<KeyValuePair<string, object?>> SqsQueueNameTags(string? queueName) =>
        string.IsNullOrEmpty(queueName) || !Source.HasListeners() ? [] : [SqsSystem, new("messaging.destination.name", queueName)];

    /// <summary>
    /// <c>aws.sns.topic.arn</c> when <paramref name="arn"/> is a topic's ARN (<c>arn:{partition}:sns:{region}:{account}:{name}</c>).
    /// A publish target can also be a device endpoint or a phone number: those identify a person and never go into a trace.
    /// </summary>
    internal static IReadOnlyList<KeyValuePair<string, object?>> SnsTopicTags(string? arn) =>
        IsSnsTopicArn(arn) && Source.HasListeners() ? [new("aws.sns.topic.arn", arn)] : [];

    internal static bool IsSnsTopicArn([NotNullWhen(true)] string? arn)
    {
        if (arn is null || !arn.StartsWith("arn:", StringComparison.Ordinal))
        {
            return false;
        }

        // arn : partition : service : region : account : resource; a topic's resource is a bare name, while endpoints and
        // applications carry '/' and subscriptions a further ':'.
        var parts = arn.Split(':');
        return parts.Length == 6 && parts[2] == "sns" && parts[5].Length > 0 && !parts[5].Contains('/', StringComparison.Ordinal);
    }
}
