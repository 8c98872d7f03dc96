namespace Notify.Core.Resources;

/// <summary>
/// The one list of Notify's AWS resources. The provisioner (moto, LocalStack, a bare account) and the CDK app
/// both read it, so a queue or an index is declared once. Names here are logical; <see cref="ResourceNaming"/>
/// turns them into physical names for an environment (CDK leaves physical names to CloudFormation except where
/// AWS requires one, e.g. the <c>.fifo</c> suffix).
/// </summary>
public static class NotifyResources
{
    /// <summary>Deliveries are retried this many times before the lane's redrive policy moves them to the DLQ.</summary>
    public const int LaneMaxReceiveCount = 5;

    public static readonly QueueDefinition HighLaneDlq = new("high-dlq", Fifo: true, VisibilityTimeoutSeconds: 60, RetentionSeconds: 14 * 24 * 3600);

    public static readonly QueueDefinition LowLaneDlq = new("low-dlq", Fifo: true, VisibilityTimeoutSeconds: 60, RetentionSeconds: 14 * 24 * 3600);

    public static readonly QueueDefinition FeedbackDlq = new("feedback-dlq", Fifo: false, VisibilityTimeoutSeconds: 60, RetentionSeconds: 14 * 24 * 3600);

    // The visibility timeout is the worker's lease on a message; it extends it while a handler is still working,
    // so 60 s only bounds how long a crashed worker's messages stay invisible.
    public static readonly QueueDefinition HighLane = new("high", Fifo: true, VisibilityTimeoutSeconds: 60, RetentionSeconds: 4 * 24 * 3600,
        DeadLetter: new RedrivePolicy(HighLaneDlq.Name, LaneMaxReceiveCount));

    public static readonly QueueDefinition LowLane = new("low", Fifo: true, VisibilityTimeoutSeconds: 60, RetentionSeconds: 4 * 24 * 3600,
        DeadLetter: new RedrivePolicy(LowLaneDlq.Name, LaneMaxReceiveCount));

    /// <summary>SES bounce, complaint and delivery notifications arrive here through the feedback topic.</summary>
    public static readonly QueueDefinition Feedback = new("feedback", Fifo: false, VisibilityTimeoutSeconds: 30, RetentionSeconds: 4 * 24 * 3600,
        DeadLetter: new RedrivePolicy(FeedbackDlq.Name, LaneMaxReceiveCount));

    public static readonly TopicDefinition SesFeedbackTopic = new("ses-feedback");

    /// <summary>The worker publishes stored in-app items here; each API instance subscribes its own queue.</summary>
    public static readonly TopicDefinition InboxEventsTopic = new("inbox-events");

    /// <summary>
    /// Each API instance's own queue on the inbox topic (<c>{prefix}-inbox-{instanceId}</c>), created by the instance at
    /// start and deleted at stop, so every instance hears every inbox event and pushes it to the browsers connected to it.
    /// Not provisioned: the instances create them (on AWS the API's role needs the queue operations on this name prefix).
    /// A killed instance's queue is found by its tags and removed by the other instances' sweepers; the short retention
    /// bounds what piles up in it until then.
    /// </summary>
    public static readonly InstanceQueueDefinition InboxInstanceQueue = new("inbox", InboxEventsTopic.Name, VisibilityTimeoutSeconds: 30, RetentionSeconds: 120);

    public static readonly SubscriptionDefinition FeedbackSubscription = new(SesFeedbackTopic.Name, Feedback.Name, RawMessageDelivery: false);

    /// <summary>
    /// Single-table design (see docs/data-model.md): every entity keyed by <c>pk</c>/<c>sk</c>; <c>gsi1</c> serves
    /// per-user and per-type listings; <c>due</c> is sparse (only items carrying <c>dueBucket</c>), so the sweeper
    /// and the scheduler query what is due instead of scanning; <c>ttl</c> expires what has a retention.
    /// </summary>
    public static readonly TableDefinition MainTable = new(
        "main",
        PartitionKey: "pk",
        SortKey: "sk",
        TimeToLiveAttribute: "ttl",
        GlobalSecondaryIndexes:
        [
            new IndexDefinition("gsi1", "gsi1pk", "gsi1sk"),
            new IndexDefinition("due", "dueBucket", "dueAt"),
        ]);

    public static readonly SesDefinition Email = new(ConfigurationSetName: "notify", EventDestinationName: "notify-feedback", FeedbackTopic: SesFeedbackTopic.Name);

    /// <summary>
    /// SNS platform applications for mobile push, one per platform. On AWS their credentials come from Secrets Manager
    /// (the CDK app); locally the provisioner creates them with placeholder credentials, which moto accepts.
    /// </summary>
    public static IReadOnlyList<PlatformApplicationDefinition> PlatformApplications { get; } =
    [
        new("fcm", "GCM"),
        new("apns", "APNS"),
        new("apns-sandbox", "APNS_SANDBOX"),
    ];

    public static IReadOnlyList<QueueDefinition> Queues { get; } = [HighLaneDlq, LowLaneDlq, FeedbackDlq, HighLane, LowLane, Feedback];

    public static IReadOnlyList<TopicDefinition> Topics { get; } = [SesFeedbackTopic, InboxEventsTopic];

    public static IReadOnlyList<SubscriptionDefinition> Subscriptions { get; } = [FeedbackSubscription];

    public static IReadOnlyList<TableDefinition> Tables { get; } = [MainTable];
}

/// <summary>An SQS queue. FIFO queues deduplicate explicitly (by eventId), never by content.</summary>
public sealed record QueueDefinition(
    string Name,
    bool Fifo,
    int VisibilityTimeoutSeconds,
    int RetentionSeconds,
    RedrivePolicy? DeadLetter = null,
    int ReceiveWaitTimeSeconds = 20);

/// <summary>Moves a message to <paramref name="DeadLetterQueue"/> after <paramref name="MaxReceiveCount"/> receives.</summary>
public sealed record RedrivePolicy(string DeadLetterQueue, int MaxReceiveCount);

public sealed record TopicDefinition(string Name);

/// <summary>
/// A queue per running instance, subscribed to <paramref name="Topic"/> with raw message delivery; its physical name is
/// <see cref="ResourceNaming.InstanceQueuePrefix"/> followed by the instance id.
/// </summary>
public sealed record InstanceQueueDefinition(string Name, string Topic, int VisibilityTimeoutSeconds, int RetentionSeconds);

/// <summary>An SQS queue subscribed to an SNS topic (the queue policy lets the topic send to it).</summary>
public sealed record SubscriptionDefinition(string Topic, string Queue, bool RawMessageDelivery);

public sealed record TableDefinition(
    string Name,
    string PartitionKey,
    string SortKey,
    string? TimeToLiveAttribute,
    IReadOnlyList<IndexDefinition> GlobalSecondaryIndexes);

/// <summary>A global secondary index with string keys, projecting all attributes.</summary>
public sealed record IndexDefinition(string Name, string PartitionKey, string SortKey);

/// <summary>An SNS platform application: a logical name and the SNS platform (GCM for FCM, APNS, APNS_SANDBOX).</summary>
public sealed record PlatformApplicationDefinition(string Name, string Platform);

/// <summary>SES sending setup: the configuration set whose event destination publishes feedback to a topic.</summary>
public sealed record SesDefinition(string ConfigurationSetName, string EventDestinationName, string FeedbackTopic);

/// <summary>
/// Physical names for one environment: <c>{prefix}-{logical}</c>, plus <c>.fifo</c> where AWS requires it, unless
/// <paramref name="Overrides"/> names a resource (logical name → physical name). CloudFormation generates the physical
/// names of what the CDK app creates, so the services are told them this way (<c>Notify:Resources:{logical}</c>).
/// An override key may spell <c>-</c> as <c>_</c> (<c>high_dlq</c>): Lambda refuses <c>-</c> in variable names.
/// </summary>
/// <exception cref="ArgumentException">An override names no declared resource, is empty, or drops a FIFO queue's <c>.fifo</c>.</exception>
public sealed record ResourceNaming(string Prefix = "notify", IReadOnlyDictionary<string, string>? Overrides = null)
{
    private readonly Dictionary<string, string> _overrides = Check(Overrides);

    /// <summary>Every logical name an override may use: queues, topics, tables, platform applications, the configuration set.</summary>
    public static IReadOnlyList<string> LogicalNames { get; } =
    [
        .. NotifyResources.Queues.Select(q => q.Name),
        .. NotifyResources.Topics.Select(t => t.Name),
        .. NotifyResources.Tables.Select(t => t.Name),
        .. NotifyResources.PlatformApplications.Select(a => a.Name),
        NotifyResources.Email.ConfigurationSetName,
    ];

    public string Queue(QueueDefinition queue) => Override(queue.Name) ?? Fifo(queue.Name, queue.Fifo);

    public string Queue(string logicalName) =>
        Queue(NotifyResources.Queues.FirstOrDefault(q => q.Name == logicalName)
              ?? throw new ArgumentException($"No queue named '{logicalName}' in the resource definition.", nameof(logicalName)));

    public string Topic(TopicDefinition topic) => Topic(topic.Name);

    public string Topic(string logicalName) => Override(logicalName) ?? $"{Prefix}-{logicalName}";

    /// <summary>What every instance queue of the definition starts with: <c>{prefix}-{name}-</c> (instances name them, so no override applies).</summary>
    public string InstanceQueuePrefix(InstanceQueueDefinition queue) => $"{Prefix}-{queue.Name}-";

    public string InstanceQueue(InstanceQueueDefinition queue, string instanceId) => InstanceQueuePrefix(queue) + instanceId;

    public string Table(TableDefinition table) => Override(table.Name) ?? $"{Prefix}-{table.Name}";

    public string PlatformApplication(PlatformApplicationDefinition application) => Override(application.Name) ?? $"{Prefix}-{application.Name}";

    public string ConfigurationSet(SesDefinition ses) => Override(ses.ConfigurationSetName) ?? $"{Prefix}-{ses.ConfigurationSetName}";

    /// <summary>What is wrong with <paramref name="overrides"/>, one message per bad entry naming its key; empty when all is well.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyDictionary<string, string>? overrides)
    {
        var problems = new List<string>();
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            var logical = Logical(key);
            if (!LogicalNames.Contains(logical, StringComparer.Ordinal))
            {
                problems.Add($"'{key}' names no resource; expected one of {string.Join(", ", LogicalNames)}.");
            }
            else if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"'{key}' is empty.");
            }
            else if (NotifyResources.Queues.FirstOrDefault(q => q.Name == logical) is { Fifo: var fifo }
                     && fifo != value.EndsWith(".fifo", StringComparison.Ordinal))
            {
                problems.Add(fifo
                    ? $"'{key}' is a FIFO queue; its name must end in '.fifo' (got '{value}')."
                    : $"'{key}' is a standard queue; its name must not end in '.fifo' (got '{value}').");
            }
        }

        return problems;
    }

    /// <summary>Equal when the prefix and every override are (records would compare the dictionaries by reference).</summary>
    public bool Equals(ResourceNaming? other) =>
        other is not null
        && Prefix == other.Prefix
        && _overrides.Count == other._overrides.Count
        && _overrides.All(o => other._overrides.TryGetValue(o.Key, out var name) && name == o.Value);

    public override int GetHashCode() => HashCode.Combine(Prefix, _overrides.Count);

    private static Dictionary<string, string> Check(IReadOnlyDictionary<string, string>? overrides)
    {
        var problems = Validate(overrides);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid resource name overrides: {string.Join(" ", problems)}", nameof(Overrides));
        }

        return (overrides ?? new Dictionary<string, string>()).ToDictionary(o => Logical(o.Key), o => o.Value, StringComparer.Ordinal);
    }

    /// <summary>Logical names are lower case with <c>-</c>; configuration keys arrive in any case and may use <c>_</c>.</summary>
    private static string Logical(string key) => key.Replace('_', '-').ToLowerInvariant();

    private string? Override(string logicalName) => _overrides.GetValueOrDefault(logicalName);

    private string Fifo(string name, bool fifo) => fifo ? $"{Prefix}-{name}.fifo" : $"{Prefix}-{name}";
}
