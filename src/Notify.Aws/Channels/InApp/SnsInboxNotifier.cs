using System.Buffers;
using System.Text;
using System.Text.Json;
using Notify.Aws.Sns;
using Notify.Core;
using Notify.Core.Delivery;
using Notify.Core.Resources;

namespace Notify.Aws.Channels.InApp;

/// <summary>
/// Announces a stored inbox item on the <c>inbox-events</c> topic as Notify JSON, <c>{"type":"notification", …item}</c>, and
/// an item marked read as <c>{"type":"read", …}</c>, so each API instance's subscribed queue hears of it
/// (<see cref="InboxAnnouncement"/> reads them back). The topic's ARN is looked up once (SNS <c>CreateTopic</c> is idempotent
/// and answers the ARN of an existing topic); a failed lookup is tried again on the next call. Failures are thrown: the
/// announcement is best effort and the caller decides what a failure is worth.
/// </summary>
public sealed class SnsInboxNotifier : IInboxNotifier
{
    public const string NotificationType = "notification";
    public const string ReadType = "read";

    private readonly SnsClient _sns;
    private readonly string _topicName;
    private readonly Lock _gate = new();
    private Task<string>? _topicArn;

    public SnsInboxNotifier(SnsClient sns, ResourceNaming naming)
    {
        ArgumentNullException.ThrowIfNull(naming);
        _sns = sns ?? throw new ArgumentNullException(nameof(sns));
        _topicName = naming.Topic(NotifyResources.InboxEventsTopic);
    }

    public Task NotifyStoredAsync(InboxItemStored item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        return PublishAsync(Serialize(item), cancellationToken);
    }

    public Task NotifyReadAsync(InboxItemRead item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        return PublishAsync(Serialize(item), cancellationToken);
    }

    /// <summary>The announcement: <c>type</c> first, then the item's members as Notify's JSON names them.</summary>
    internal static string Serialize(InboxItemStored item) => Serialize(NotificationType, item);

    internal static string Serialize(InboxItemRead item) => Serialize(ReadType, item);

    private async Task PublishAsync(string message, CancellationToken cancellationToken)
    {
        var topicArn = await TopicArnAsync().WaitAsync(cancellationToken);
        await _sns.PublishAsync(new PublishRequest { TopicArn = topicArn, Message = message }, cancellationToken);
    }

    private static string Serialize<T>(string type, T item)
    {
        using var fields = JsonSerializer.SerializeToDocument(item, NotifyJson.Options);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = NotifyJson.Options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            foreach (var field in fields.RootElement.EnumerateObject())
            {
                field.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// One lookup shared by concurrent callers, not bound to any caller's token (each waits with its own), so one caller
    /// giving up does not fail the others; a faulted lookup is replaced by the next caller.
    /// </summary>
    private Task<string> TopicArnAsync()
    {
        lock (_gate)
        {
            if (_topicArn is null || _topicArn.IsFaulted || _topicArn.IsCanceled)
            {
                _topicArn = CreateTopicAsync();
            }

            return _topicArn;
        }
    }

    private async Task<string> CreateTopicAsync()
    {
        var created = await _sns.CreateTopicAsync(new CreateTopicRequest { Name = _topicName }, CancellationToken.None);
        return created.TopicArn is { Length: > 0 } arn
            ? arn
            : throw new InvalidOperationException($"SNS answered CreateTopic for '{_topicName}' without a topic ARN.");
    }
}
