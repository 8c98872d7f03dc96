using System.Text.Json.Nodes;
using Notify.Cdk.Tests.Fixtures;
using Notify.Core.Resources;

namespace Notify.Cdk.Tests.Stacks;

[Collection(SynthesizedApps.Name)]
[Trait("Category", "Slow")]
public sealed class MessagingStackTests(DevApp dev, ProdApp prod, VariantApp variant)
{
    [Fact]
    public void Should_declare_every_queue_as_the_shared_definition_does_when_synthesized()
    {
        Assert.Equal(NotifyResources.Queues.Count, prod.Messaging.OfType("AWS::SQS::Queue").Count());
        foreach (var definition in NotifyResources.Queues)
        {
            var queue = Queue(prod, definition)["Properties"]!;

            Assert.Equal(definition.Fifo, (bool?)queue["FifoQueue"] ?? false);
            Assert.Equal(definition.VisibilityTimeoutSeconds, (int)queue["VisibilityTimeout"]!);
            Assert.Equal(definition.RetentionSeconds, (int)queue["MessageRetentionPeriod"]!);
            Assert.Equal(definition.ReceiveWaitTimeSeconds, (int)queue["ReceiveMessageWaitTimeSeconds"]!);
            Assert.Equal(prod.Messaging.LogicalId("QueueKey"), (string?)queue["KmsMasterKeyId"]!["Fn::GetAtt"]![0]);
            if (definition.Fifo)
            {
                // Deduplication by event id and generation only: content-based would merge distinct redrives.
                Assert.False((bool)queue["ContentBasedDeduplication"]!);
                Assert.Equal("messageGroup", (string?)queue["DeduplicationScope"]);
                Assert.Equal("perMessageGroupId", (string?)queue["FifoThroughputLimit"]);
            }
        }
    }

    [Fact]
    public void Should_redrive_each_lane_to_its_own_dead_letter_queue_after_the_definitions_receive_count()
    {
        var redriven = NotifyResources.Queues.Where(q => q.DeadLetter is not null).ToList();
        Assert.Equal(["high", "low", "feedback"], redriven.Select(q => q.Name));
        foreach (var definition in redriven)
        {
            var redrive = Queue(prod, definition)["Properties"]!["RedrivePolicy"]!;
            var dlq = NotifyResources.Queues.Single(q => q.Name == definition.DeadLetter!.DeadLetterQueue);

            Assert.Equal(NotifyResources.LaneMaxReceiveCount, (int)redrive["maxReceiveCount"]!);
            Assert.Equal(QueueId(prod, dlq), (string?)redrive["deadLetterTargetArn"]!["Fn::GetAtt"]![0]);
            // SQS only redrives a FIFO queue to a FIFO queue.
            Assert.Equal(definition.Fifo, (bool?)Queue(prod, dlq)["Properties"]!["FifoQueue"] ?? false);
        }

        foreach (var dlq in NotifyResources.Queues.Where(q => q.DeadLetter is null))
        {
            Assert.Null(Queue(prod, dlq)["Properties"]!["RedrivePolicy"]);
        }
    }

    [Fact]
    public void Should_subscribe_the_feedback_queue_to_the_ses_feedback_topic_when_synthesized()
    {
        var subscription = Assert.Single(prod.Messaging.OfType("AWS::SNS::Subscription")).Resource["Properties"]!;
        var definition = NotifyResources.FeedbackSubscription;

        Assert.Equal("sqs", (string?)subscription["Protocol"]);
        Assert.Equal(QueueId(prod, NotifyResources.Feedback), (string?)subscription["Endpoint"]!["Fn::GetAtt"]![0]);
        Assert.Equal(prod.Messaging.LogicalId(ConstructIds.Of(definition.Topic) + "Topic"), (string?)subscription["TopicArn"]!["Ref"]);
        Assert.Equal(definition.RawMessageDelivery, (bool)subscription["RawMessageDelivery"]!);

        // The topic may send to the queue, and only that topic; SNS may use the queues' key for it, for that topic only.
        var key = prod.Messaging.Resource("QueueKey")["Properties"]!["KeyPolicy"]!["Statement"]!.AsArray()
            .Single(s => s!["Principal"]!["Service"]?.ToJsonString() == "\"sns.amazonaws.com\"")!;
        Assert.Equal(prod.Messaging.LogicalId("SesFeedbackTopic"), (string?)key["Condition"]!["ArnEquals"]!["aws:SourceArn"]!["Ref"]);

        var statement = prod.Messaging.Resource("FeedbackQueuePolicy")["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray()
            .Single(s => (string?)s!["Action"] == "sqs:SendMessage");
        Assert.Equal("sns.amazonaws.com", (string?)statement!["Principal"]!["Service"]);
        Assert.Equal(prod.Messaging.LogicalId("SesFeedbackTopic"), (string?)statement["Condition"]!["ArnEquals"]!["aws:SourceArn"]!["Ref"]);
    }

    [Fact]
    public void Should_encrypt_every_topic_with_the_topics_key_when_synthesized()
    {
        var topics = prod.Messaging.OfType("AWS::SNS::Topic").ToList();

        Assert.Equal(NotifyResources.Topics.Count + 1, topics.Count); // and the alarm topic
        Assert.All(topics, t => Assert.Equal(prod.Messaging.LogicalId("TopicKey"), (string?)t.Resource["Properties"]!["KmsMasterKeyId"]!["Fn::GetAtt"]![0]));
        foreach (var definition in NotifyResources.Topics)
        {
            Assert.NotNull(prod.Messaging.Resource(ConstructIds.Of(definition.Name) + "Topic"));
        }
    }

    [Fact]
    public void Should_publish_bounces_complaints_deliveries_and_rejects_to_the_feedback_topic_when_ses_sends()
    {
        var destination = Assert.Single(prod.Messaging.OfType("AWS::SES::ConfigurationSetEventDestination")).Resource["Properties"]!;

        Assert.Equal(prod.Messaging.LogicalId("ConfigurationSet"), (string?)destination["ConfigurationSetName"]!["Ref"]);
        Assert.Equal(NotifyResources.Email.EventDestinationName, (string?)destination["EventDestination"]!["Name"]);
        Assert.True((bool)destination["EventDestination"]!["Enabled"]!);
        Assert.Equal(["bounce", "complaint", "delivery", "reject"], destination["EventDestination"]!["MatchingEventTypes"]!.AsArray().Select(e => (string?)e));
        Assert.Equal(prod.Messaging.LogicalId(ConstructIds.Of(NotifyResources.Email.FeedbackTopic) + "Topic"), (string?)destination["EventDestination"]!["SnsDestination"]!["TopicARN"]!["Ref"]);

        // SES may encrypt into the topic's key, for this account only.
        var key = prod.Messaging.Resource("TopicKey")["Properties"]!["KeyPolicy"]!["Statement"]!.AsArray()
            .Single(s => (string?)s!["Sid"] == "AwsServicesPublishingToNotify")!;
        Assert.Contains("ses.amazonaws.com", key["Principal"]!["Service"]!.AsArray().Select(p => (string?)p));
        Assert.NotNull(key["Condition"]!["StringEquals"]!["aws:SourceAccount"]);
    }

    [Fact]
    public void Should_verify_the_sender_domain_from_context_with_the_configuration_set_when_synthesized()
    {
        var identity = Assert.Single(prod.Messaging.OfType("AWS::SES::EmailIdentity")).Resource["Properties"]!;

        Assert.Equal(prod.Stacks.Settings.SenderDomain, (string?)identity["EmailIdentity"]);
        Assert.Equal("example.com", prod.Stacks.Settings.SenderDomain); // cdk.json's default
        Assert.Equal(prod.Messaging.LogicalId("ConfigurationSet"), (string?)identity["ConfigurationSetAttributes"]!["ConfigurationSetName"]!["Ref"]);
        Assert.Equal(["DkimRecord1", "DkimRecord2", "DkimRecord3"], prod.Messaging.Outputs.Select(o => o.Key).Where(k => k.StartsWith("DkimRecord", StringComparison.Ordinal)));
    }

    [Fact]
    public void Should_create_a_platform_application_only_for_each_platform_whose_secret_is_given()
    {
        Assert.Empty(prod.Messaging.OfType("Custom::SnsPlatformApplication"));
        Assert.Empty(prod.Messaging.OfType("AWS::Lambda::Function"));

        var applications = variant.Messaging.OfType("Custom::SnsPlatformApplication").ToDictionary(a => (string)a.Resource["Properties"]!["Platform"]!, a => a.Resource["Properties"]!);
        Assert.Equal(["APNS", "GCM"], applications.Keys.Order());
        Assert.Equal(VariantApp.FcmSecretArn, (string?)applications["GCM"]["SecretArn"]);
        Assert.Equal(VariantApp.ApnsSecretArn, (string?)applications["APNS"]["SecretArn"]);
        Assert.Equal($"{variant.Messaging.Name}-fcm", (string?)applications["GCM"]["Name"]);
        Assert.Equal($"{variant.Messaging.Name}-apns", (string?)applications["APNS"]["Name"]);

        // The handler reads the secrets itself: no credential, no dynamic reference in the template.
        Assert.DoesNotContain("resolve:secretsmanager", variant.Messaging.Json.ToJsonString(), StringComparison.Ordinal);
        var handler = Assert.Single(variant.Messaging.OfType("AWS::Lambda::Function")).Resource["Properties"]!;
        Assert.Equal("nodejs20.x", (string?)handler["Runtime"]);
        Assert.Contains("CreatePlatformApplicationCommand", (string?)handler["Code"]!["ZipFile"], StringComparison.Ordinal);
        Assert.InRange(((string?)handler["Code"]!["ZipFile"])!.Length, 1, 4096); // CloudFormation's limit on inline code
    }

    [Fact]
    public void Should_retain_queues_and_keys_in_prod_and_delete_them_in_dev()
    {
        foreach (var (app, policy) in new[] { ((SynthesizedApp)prod, "Retain"), (dev, "Delete") })
        {
            Assert.All(app.Messaging.OfType("AWS::SQS::Queue"), q => Assert.Equal(policy, (string?)q.Resource["DeletionPolicy"]));
            Assert.Equal(policy, (string?)app.Messaging.Resource("QueueKey")["DeletionPolicy"]);
            Assert.Equal(policy, (string?)app.Messaging.Resource("TopicKey")["DeletionPolicy"]);
        }
    }

    [Fact]
    public void Should_output_every_queue_url_when_synthesized()
    {
        foreach (var definition in NotifyResources.Queues)
        {
            var output = prod.Messaging.Outputs[ConstructIds.Of(definition.Name) + "QueueUrl"]!;

            Assert.Equal(QueueId(prod, definition), (string?)output["Value"]!["Ref"]);
            Assert.Equal($"Notify:Resources:{definition.Name}", (string?)output["Description"]);
        }
    }

    private static string QueueId(SynthesizedApp app, QueueDefinition definition) => app.Messaging.LogicalId(ConstructIds.Of(definition.Name) + "Queue");

    private static JsonObject Queue(SynthesizedApp app, QueueDefinition definition) => app.Messaging.Resource(ConstructIds.Of(definition.Name) + "Queue");
}
