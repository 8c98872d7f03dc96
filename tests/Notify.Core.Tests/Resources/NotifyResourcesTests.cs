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
}
