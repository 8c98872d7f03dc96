namespace Notify.Core.Feedback;

/// <summary>What a provider reported about a message it had accepted.</summary>
public enum FeedbackKind
{
    Delivered,

    /// <summary>The address will never take mail (unknown user, no such domain, on the provider's suppression list).</summary>
    PermanentBounce,

    /// <summary>
    /// This attempt failed but the address may work later (mailbox full, message too large), and bounces the
    /// provider could not classify.
    /// </summary>
    TransientBounce,

    /// <summary>The recipient marked the message as spam.</summary>
    Complaint,
}

/// <summary>
/// One piece of provider feedback. <paramref name="ProviderMessageId"/> is the id the provider answered the send with
/// (<c>SendResult.Accepted.ProviderMessageId</c>), which is how the feedback finds its notification.
/// <paramref name="Detail"/> is for people, never for decisions: <c>"General: 550 5.1.1 user unknown"</c> for a
/// bounce, the feedback type (<c>"abuse"</c>) for a complaint, the SMTP answer for a delivery.
/// </summary>
public sealed record ProviderFeedback(
    FeedbackKind Kind,
    string ProviderMessageId,
    IReadOnlyList<string> Recipients,
    DateTimeOffset OccurredAt,
    string? Detail)
{
    /// <summary>Whether the recipients belong on the suppression list: only hard bounces and complaints put them there.</summary>
    public bool Suppresses => Kind is FeedbackKind.PermanentBounce or FeedbackKind.Complaint;
}

/// <summary>
/// What a feedback queue message came to. An explicit outcome, not an exception, so the consumer decides per case:
/// apply <see cref="Parsed"/>, delete <see cref="Ignored"/> quietly, and keep <see cref="Malformed"/> where someone
/// will look at it.
/// </summary>
public abstract record FeedbackParseResult
{
    private FeedbackParseResult()
    {
    }

    public sealed record Parsed(ProviderFeedback Feedback) : FeedbackParseResult;

    /// <summary>A well-formed message that carries no delivery outcome (an SNS subscription confirmation, an SES Send or Open event).</summary>
    public sealed record Ignored(string Reason) : FeedbackParseResult;

    /// <summary>Not a notification this parser understands. <paramref name="Reason"/> names the JSON path at fault and never quotes addresses or diagnostic text.</summary>
    public sealed record Malformed(string Reason) : FeedbackParseResult;
}
