using Notify.Core.Resources;

namespace Notify.Core.Tests.Resources;

public sealed class NotifyResourcesTests
{
    [Fact]
    public void Should_name_fifo_queues_with_the_fifo_suffix_when_the_queue_is_fifo()
    {
        var naming = new ResourceNaming("t1");
        Assert.Equal("t1-high.fifo", naming.Queue(NotifyResources.HighLane));
        Assert.Equal("t1-low-dlq.fifo", naming.Queue(NotifyResources.LowLaneDlq));
        Assert.Equal("t1-feedback", naming.Queue(NotifyResources.Feedback));
    }

    [Fact]
    public void Should_pair_every_lane_with_a_dead_letter_queue_of_the_same_kind_when_defined()
    {
        foreach (var queue in NotifyResources.Queues.Where(q => q.DeadLetter is not null))
        {
            var dlq = NotifyResources.Queues.Single(q => q.Name == queue.DeadLetter!.DeadLetterQueue);
            Assert.Equal(queue.Fifo, dlq.Fifo); // SQS requires a FIFO source to redrive to a FIFO DLQ.
            Assert.True(dlq.RetentionSeconds >= queue.RetentionSeconds, $"{dlq.Name} must keep messages at least as long as {queue.Name}");
            Assert.InRange(queue.DeadLetter!.MaxReceiveCount, 1, 1000);
        }
    }

    [Fact]
    public void Should_refer_only_to_declared_resources_when_subscribing_queues_to_topics()
    {
        foreach (var s in NotifyResources.Subscriptions)
        {
            Assert.Contains(NotifyResources.Topics, t => t.Name == s.Topic);
            Assert.Contains(NotifyResources.Queues, q => q.Name == s.Queue && !q.Fifo);
        }

        Assert.Contains(NotifyResources.Topics, t => t.Name == NotifyResources.Email.FeedbackTopic);
    }

    [Fact]
    public void Should_reject_an_unknown_logical_queue_name_when_naming()
    {
        Assert.Throws<ArgumentException>(() => new ResourceNaming().Queue("nope"));
    }

    [Fact]
    public void Should_use_the_physical_names_given_when_overrides_name_resources()
    {
        var naming = new ResourceNaming("notify-prod", new Dictionary<string, string>
        {
            ["high"] = "Messaging-HighLane1A2B3C.fifo",
            ["high_dlq"] = "Messaging-HighLaneDlq9Z.fifo",
            ["feedback"] = "Messaging-Feedback77",
            ["main"] = "Data-MainTable12",
            ["ses-feedback"] = "Messaging-SesFeedback4D",
            ["Inbox_Events"] = "Messaging-InboxEvents5E",
            ["notify"] = "ConfigSet-abc",
            ["apns-sandbox"] = "notify-prod-apns-sandbox-x",
        });

        Assert.Equal("Messaging-HighLane1A2B3C.fifo", naming.Queue(NotifyResources.HighLane));
        Assert.Equal("Messaging-HighLaneDlq9Z.fifo", naming.Queue("high-dlq"));
        Assert.Equal("Messaging-Feedback77", naming.Queue(NotifyResources.Feedback));
        Assert.Equal("Data-MainTable12", naming.Table(NotifyResources.MainTable));
        Assert.Equal("Messaging-SesFeedback4D", naming.Topic(NotifyResources.SesFeedbackTopic));
        Assert.Equal("Messaging-InboxEvents5E", naming.Topic("inbox-events"));
        Assert.Equal("ConfigSet-abc", naming.ConfigurationSet(NotifyResources.Email));
        Assert.Equal("notify-prod-apns-sandbox-x", naming.PlatformApplication(NotifyResources.PlatformApplications.Single(a => a.Name == "apns-sandbox")));

        // What no override names keeps the prefix naming.
        Assert.Equal("notify-prod-low.fifo", naming.Queue(NotifyResources.LowLane));
        Assert.Equal("notify-prod-feedback-dlq", naming.Queue(NotifyResources.FeedbackDlq));
        Assert.Equal("notify-prod-fcm", naming.PlatformApplication(NotifyResources.PlatformApplications.Single(a => a.Name == "fcm")));
    }

    [Fact]
    public void Should_name_as_before_when_there_are_no_overrides()
    {
        var plain = new ResourceNaming("t2");
        var empty = new ResourceNaming("t2", new Dictionary<string, string>());

        foreach (var naming in new[] { plain, empty })
        {
            Assert.Equal(["t2-high-dlq.fifo", "t2-low-dlq.fifo", "t2-feedback-dlq", "t2-high.fifo", "t2-low.fifo", "t2-feedback"], NotifyResources.Queues.Select(naming.Queue));
            Assert.Equal(["t2-ses-feedback", "t2-inbox-events"], NotifyResources.Topics.Select(naming.Topic));
            Assert.Equal("t2-main", naming.Table(NotifyResources.MainTable));
            Assert.Equal("t2-notify", naming.ConfigurationSet(NotifyResources.Email));
        }

        Assert.Equal(plain, empty);
        Assert.NotEqual(plain, new ResourceNaming("t2", new Dictionary<string, string> { ["main"] = "other" }));
    }

    [Theory]
    [InlineData("nope", "x", "'nope' names no resource")]
    [InlineData("high", "Messaging-High", "'high' is a FIFO queue; its name must end in '.fifo'")]
    [InlineData("feedback", "Messaging-Feedback.fifo", "'feedback' is a standard queue")]
    [InlineData("main", " ", "'main' is empty")]
    public void Should_reject_an_override_naming_the_key_when_it_is_invalid(string key, string value, string expected)
    {
        var overrides = new Dictionary<string, string> { [key] = value };

        Assert.Contains(expected, Assert.Single(ResourceNaming.Validate(overrides)), StringComparison.Ordinal);
        var e = Assert.Throws<ArgumentException>(() => new ResourceNaming("p", overrides));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_accept_every_logical_name_of_the_definition_when_overriding()
    {
        var overrides = ResourceNaming.LogicalNames.ToDictionary(n => n, n => NotifyResources.Queues.Any(q => q.Name == n && q.Fifo) ? $"x-{n}.fifo" : $"x-{n}");

        Assert.Empty(ResourceNaming.Validate(overrides));
        Assert.Equal(13, ResourceNaming.LogicalNames.Distinct().Count());
    }
}
