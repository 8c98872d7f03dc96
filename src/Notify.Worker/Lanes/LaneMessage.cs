using Notify.Aws.Sqs;
using Notify.Core.Events;
using Notify.Core.Resources;

namespace Notify.Worker.Lanes;

/// <summary>
/// One received message as a handler sees it: the queue it came from, SQS's message (body, attributes, receipt handle)
/// and the receive metadata the consumer parsed from its system attributes.
/// </summary>
/// <param name="Lane">The lane the queue belongs to (for a dead-letter queue, the lane it is the DLQ of).</param>
/// <param name="QueueUrl">The URL the message was received from.</param>
/// <param name="Message">SQS's message, with all system and message attributes.</param>
/// <param name="ReceiveCount">
/// <c>ApproximateReceiveCount</c>: 1 on the first delivery. The lanes move a message to their DLQ after
/// <see cref="NotifyResources.LaneMaxReceiveCount"/> receives.
/// </param>
/// <param name="SentAt"><c>SentTimestamp</c>: when SQS accepted the message.</param>
public sealed record LaneMessage(Priority Lane, string QueueUrl, Message Message, int ReceiveCount, DateTimeOffset SentAt)
{
    /// <summary>The queue's logical name (<c>high</c>, <c>low</c>, <c>high-dlq</c>, <c>feedback</c>, …; see <see cref="NotifyResources"/>).</summary>
    public string QueueName { get; init; } = Lane == Priority.High ? NotifyResources.HighLane.Name : NotifyResources.LowLane.Name;

    public string MessageId => Message.MessageId ?? string.Empty;

    public string Body => Message.Body ?? string.Empty;

    public IReadOnlyDictionary<string, MessageAttributeValue> MessageAttributes => Message.MessageAttributes;

    /// <summary>The FIFO message group (the user id on the lanes); null on a standard queue.</summary>
    public string? MessageGroupId => Message.Attributes.GetValueOrDefault(MessageSystemAttributeName.MessageGroupId);

    /// <summary>The W3C trace context the publisher attached, so the handler's span continues the API's trace.</summary>
    public string? TraceParent => StringAttribute(LanePolicy.TraceParentAttribute);

    public string? TraceState => StringAttribute(LanePolicy.TraceStateAttribute);

    private string? StringAttribute(string name) =>
        Message.MessageAttributes.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.StringValue) ? value.StringValue : null;
}
