using System.Net;
using Notify.Aws.Http;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.Sqs;

/// <summary>Queue operations against moto.</summary>
public sealed class SqsQueueTests(MotoFixture moto) : IClassFixture<MotoFixture>, IDisposable
{
    private readonly SqsClient _sqs = new(moto.Connection);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_find_list_and_then_forget_a_queue_when_created_and_deleted()
    {
        var name = SqsTestQueues.UniqueName("life");
        var created = await _sqs.CreateQueueAsync(name, Ct);

        var found = await _sqs.GetQueueUrlAsync(name, Ct);
        var listed = await _sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = name }, Ct);
        await _sqs.DeleteQueueAsync(created.QueueUrl!, Ct);
        var afterDelete = await _sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = name }, Ct);

        Assert.EndsWith("/" + name, created.QueueUrl, StringComparison.Ordinal);
        Assert.Equal(created.QueueUrl, found.QueueUrl);
        Assert.Equal([created.QueueUrl!], listed.QueueUrls);
        Assert.Empty(afterDelete.QueueUrls);
    }

    [Fact]
    public async Task Should_list_only_queues_with_the_prefix_when_listing_all()
    {
        var prefix = SqsTestQueues.UniqueName("all");
        var urls = new List<string>();
        foreach (var suffix in new[] { "a", "b", "c" })
        {
            urls.Add((await _sqs.CreateQueueAsync(prefix + suffix, Ct)).QueueUrl!);
        }

        await _sqs.CreateAsync("other");

        var listed = await _sqs.ListAllQueueUrlsAsync(prefix, Ct).ToListAsync(Ct);

        Assert.Equal(urls.Order(), listed.Order());
    }

    [Fact]
    public async Task Should_read_back_attributes_when_created_with_them_and_changed()
    {
        var url = await _sqs.CreateAsync("attrs", new() { [QueueAttributeName.VisibilityTimeout] = "5", [QueueAttributeName.DelaySeconds] = "1" });

        var before = await _sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = [QueueAttributeName.All] }, Ct);
        await _sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest { QueueUrl = url, Attributes = new() { [QueueAttributeName.VisibilityTimeout] = "7" } }, Ct);
        var after = await _sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = [QueueAttributeName.VisibilityTimeout] }, Ct);

        Assert.Equal(5, before.VisibilityTimeout);
        Assert.Equal("1", before.Attributes[QueueAttributeName.DelaySeconds]);
        Assert.StartsWith("arn:aws:sqs:us-east-1:", before.QueueARN, StringComparison.Ordinal);
        Assert.False(before.FifoQueue);
        Assert.Equal(7, after.VisibilityTimeout);
    }

    [Fact]
    public async Task Should_list_tags_when_given_at_creation_added_and_removed()
    {
        var created = await _sqs.CreateQueueAsync(
            new CreateQueueRequest { QueueName = SqsTestQueues.UniqueName("tags"), Tags = new() { ["owner"] = "notify" } }, Ct);
        var url = created.QueueUrl!;

        await _sqs.TagQueueAsync(new TagQueueRequest { QueueUrl = url, Tags = new() { ["sweep"] = "test-run-1", ["tmp"] = "x" } }, Ct);
        await _sqs.UntagQueueAsync(new UntagQueueRequest { QueueUrl = url, TagKeys = ["tmp"] }, Ct);
        var tags = await _sqs.ListQueueTagsAsync(new ListQueueTagsRequest { QueueUrl = url }, Ct);

        Assert.Equal(new Dictionary<string, string> { ["owner"] = "notify", ["sweep"] = "test-run-1" }, tags.Tags);
    }

    [Fact]
    public async Task Should_throw_queue_does_not_exist_with_its_query_code_when_the_queue_is_missing()
    {
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _sqs.GetQueueUrlAsync(SqsTestQueues.UniqueName("missing"), Ct));
        var onUrl = await Assert.ThrowsAsync<AwsServiceException>(
            () => _sqs.SendMessageAsync(new Uri(moto.Endpoint, "123456789012/" + SqsTestQueues.UniqueName("missing")).ToString(), "x", Ct));

        Assert.Equal("QueueDoesNotExist", e.ErrorCode);
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", e.QueryErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.False(e.IsRetryable);
        Assert.NotNull(e.RequestId);
        Assert.Equal("QueueDoesNotExist", onUrl.ErrorCode);
    }

    [Fact]
    public async Task Should_empty_the_queue_when_purged()
    {
        var url = await _sqs.CreateAsync("purge");
        await _sqs.SendMessageBatchAsync(
            new SendMessageBatchRequest { QueueUrl = url, Entries = [new() { Id = "1", MessageBody = "a" }, new() { Id = "2", MessageBody = "b" }] }, Ct);
        var before = await _sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = [QueueAttributeName.All] }, Ct);

        await _sqs.PurgeQueueAsync(new PurgeQueueRequest { QueueUrl = url }, Ct);

        Assert.Equal(2, before.ApproximateNumberOfMessages);
        await Deadline.PollAsync(
            () => _sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = [QueueAttributeName.All] }, Ct),
            a => a.ApproximateNumberOfMessages == 0,
            TimeSpan.FromSeconds(10),
            "the purged queue to report no messages");
        Assert.Empty((await _sqs.ReceiveAsync(url)).Messages);
    }

    public void Dispose() => _sqs.Dispose();
}
