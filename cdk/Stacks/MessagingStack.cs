using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.SES;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Amazon.CDK.AWS.SQS;
using Constructs;
using Notify.Core.Resources;

namespace Notify.Cdk.Stacks;

/// <summary>
/// Every queue, topic and subscription of <see cref="NotifyResources"/> as declared there (FIFO lanes and their FIFO DLQs,
/// <c>maxReceiveCount</c>, visibility and retention), encrypted with customer-managed keys; the SES configuration set
/// publishing bounces, complaints, deliveries and rejects to the feedback topic; the sending domain; the push platforms.
/// </summary>
internal sealed class MessagingStack : Stack
{
    private readonly Dictionary<string, Queue> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Topic> _topics = new(StringComparer.Ordinal);

    public MessagingStack(Construct scope, string id, IStackProps props, DeploymentSettings settings)
        : base(scope, id, props)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var stage = settings.Stage;
        SenderDomain = settings.SenderDomain;

        // Two keys: the feedback subscription's statement in the queues' key names the topic, so a topic encrypted with
        // that same key would depend on itself.
        QueueKey = NewKey("QueueKey", "Encrypts Notify's queues", stage);
        TopicKey = NewKey("TopicKey", "Encrypts Notify's topics", stage);

        // Services that publish into the encrypted topics on Notify's behalf need the key: SES (feedback topic) and
        // CloudWatch (alarm topic). SNS delivering to the feedback queue gets a statement in the queues' key from the
        // subscription, scoped to the topic. A key policy's resource is always the key itself, written *.
        TopicKey.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AwsServicesPublishingToNotify",
            Principals = [new ServicePrincipal("ses.amazonaws.com"), new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Account } },
        }));

        foreach (var definition in NotifyResources.Queues)
        {
            _queues[definition.Name] = NewQueue(definition, stage);
        }

        foreach (var definition in NotifyResources.Topics)
        {
            _topics[definition.Name] = new Topic(this, ConstructIds.Of(definition.Name) + "Topic", new TopicProps { MasterKey = TopicKey, EnforceSSL = true });
        }

        foreach (var subscription in NotifyResources.Subscriptions)
        {
            _topics[subscription.Topic].AddSubscription(new SqsSubscription(_queues[subscription.Queue], new SqsSubscriptionProps
            {
                RawMessageDelivery = subscription.RawMessageDelivery,
            }));
        }

        // The event destination adds the topic policy letting SES publish for this configuration set only.
        var feedback = _topics[NotifyResources.Email.FeedbackTopic];
        ConfigurationSet = new ConfigurationSet(this, "ConfigurationSet", new ConfigurationSetProps { ReputationMetrics = true });
        ConfigurationSet.AddEventDestination("Feedback", new ConfigurationSetEventDestinationOptions
        {
            ConfigurationSetEventDestinationName = NotifyResources.Email.EventDestinationName,
            Destination = EventDestination.SnsTopic(feedback),
            Events = [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT, EmailSendingEvent.DELIVERY, EmailSendingEvent.REJECT],
        });

        SenderIdentity = new EmailIdentity(this, "SenderIdentity", new EmailIdentityProps
        {
            Identity = Identity.Domain(settings.SenderDomain),
            ConfigurationSet = ConfigurationSet,
        });

        PlatformApplications = new PlatformApplications(this, "PlatformApplications", settings);

        AlarmTopic = new Topic(this, "AlarmTopic", new TopicProps { MasterKey = TopicKey, EnforceSSL = true });
        if (settings.AlarmEmail is { } email)
        {
            AlarmTopic.AddSubscription(new EmailSubscription(email));
        }

        foreach (var (name, queue) in _queues)
        {
            new CfnOutput(this, ConstructIds.Of(name) + "QueueUrl", new CfnOutputProps { Value = queue.QueueUrl, Description = $"Notify:Resources:{name}" });
        }

        foreach (var (name, topic) in _topics)
        {
            new CfnOutput(this, ConstructIds.Of(name) + "TopicArn", new CfnOutputProps { Value = topic.TopicArn });
        }

        new CfnOutput(this, "ConfigurationSetName", new CfnOutputProps { Value = ConfigurationSet.ConfigurationSetName });
        for (var i = 1; i <= 3; i++)
        {
            // SES verifies the domain once these CNAMEs are published (Easy DKIM).
            new CfnOutput(this, $"DkimRecord{i}", new CfnOutputProps
            {
                Value = Fn.Join(" CNAME ", [i switch { 1 => SenderIdentity.DkimDnsTokenName1, 2 => SenderIdentity.DkimDnsTokenName2, _ => SenderIdentity.DkimDnsTokenName3 },
                    i switch { 1 => SenderIdentity.DkimDnsTokenValue1, 2 => SenderIdentity.DkimDnsTokenValue2, _ => SenderIdentity.DkimDnsTokenValue3 }]),
            });
        }
    }

    public Key QueueKey { get; }

    public Key TopicKey { get; }

    public IReadOnlyDictionary<string, Queue> Queues => _queues;

    public IReadOnlyDictionary<string, Topic> Topics => _topics;

    public ConfigurationSet ConfigurationSet { get; }

    public EmailIdentity SenderIdentity { get; }

    public string SenderDomain { get; }

    public PlatformApplications PlatformApplications { get; }

    /// <summary>Where every alarm of the services stack sends its state changes.</summary>
    public Topic AlarmTopic { get; }

    public Queue Queue(QueueDefinition definition) => _queues[definition.Name];

    public Topic Topic(TopicDefinition definition) => _topics[definition.Name];

    /// <summary>The SES configuration set's ARN, which <c>ses:SendEmail</c> is granted on beside the identity's.</summary>
    public string ConfigurationSetArn => FormatArn(new ArnComponents { Service = "ses", Resource = "configuration-set", ResourceName = ConfigurationSet.ConfigurationSetName });

    public string SenderIdentityArn => FormatArn(new ArnComponents { Service = "ses", Resource = "identity", ResourceName = SenderDomain });

    private Key NewKey(string id, string description, StageSettings stage) => new(this, id, new KeyProps
    {
        Description = description,
        EnableKeyRotation = true,
        RemovalPolicy = stage.RemovalPolicy,
    });

    private Queue NewQueue(QueueDefinition definition, StageSettings stage)
    {
        var props = new QueueProps
        {
            Fifo = definition.Fifo ? true : null,
            VisibilityTimeout = Duration.Seconds(definition.VisibilityTimeoutSeconds),
            RetentionPeriod = Duration.Seconds(definition.RetentionSeconds),
            ReceiveMessageWaitTime = Duration.Seconds(definition.ReceiveWaitTimeSeconds),
            Encryption = QueueEncryption.KMS,
            EncryptionMasterKey = QueueKey,
            // One data key serves a queue for 5 minutes: KMS calls (and their cost) stay flat under load.
            DataKeyReuse = Duration.Minutes(5),
            EnforceSSL = true,
            RemovalPolicy = stage.RemovalPolicy,
            DeadLetterQueue = definition.DeadLetter is { } redrive
                ? new DeadLetterQueue { Queue = _queues[redrive.DeadLetterQueue], MaxReceiveCount = redrive.MaxReceiveCount }
                : null,
        };
        if (definition.Fifo)
        {
            // Deduplication is explicit (by event id and generation), never by content; the message group is the user, so
            // per-group throughput lets lanes scale with users instead of being capped per queue.
            props.ContentBasedDeduplication = false;
            props.DeduplicationScope = DeduplicationScope.MESSAGE_GROUP;
            props.FifoThroughputLimit = FifoThroughputLimit.PER_MESSAGE_GROUP_ID;
        }

        return new Queue(this, ConstructIds.Of(definition.Name) + "Queue", props);
    }
}
