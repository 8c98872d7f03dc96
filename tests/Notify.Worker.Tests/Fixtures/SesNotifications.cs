using System.Globalization;
using System.Text.Json;

namespace Notify.Worker.Tests.Fixtures;

/// <summary>
/// SES identity notifications as SES publishes them to the feedback topic (the SNS <c>Message</c>), shaped after the
/// samples in the SES developer guide ("Amazon SNS notification examples for Amazon SES"). Notify.Core.Tests compiles
/// this file too, so the parser is tested against exactly what the integration tests publish.
/// </summary>
internal static class SesNotifications
{
    /// <summary>A bounce: Permanent/General (550 5.1.1 user unknown), or Transient/MailboxFull (452 4.2.2).</summary>
    public static string Bounce(string messageId, string recipient, bool permanent = true, DateTimeOffset? occurredAt = null)
    {
        var at = occurredAt ?? DateTimeOffset.UtcNow;
        var (type, subType, status, diagnostic) = permanent
            ? ("Permanent", "General", "5.1.1", "smtp; 550 5.1.1 user unknown")
            : ("Transient", "MailboxFull", "4.2.2", "smtp; 452 4.2.2 mailbox full");
        return $$"""
            {
              "notificationType": "Bounce",
              "bounce": {
                "bounceType": "{{type}}",
                "bounceSubType": "{{subType}}",
                "bouncedRecipients": [
                  {
                    "emailAddress": {{Json(recipient)}},
                    "action": "failed",
                    "status": "{{status}}",
                    "diagnosticCode": "{{diagnostic}}"
                  }
                ],
                "timestamp": "{{Timestamp(at)}}",
                "feedbackId": "0100018f2b3c4d5e-6f7a8b9c-0d1e-4f20-a1b2-c3d4e5f60718-000000",
                "remoteMtaIp": "192.0.2.25",
                "reportingMTA": "dsn; mx.example.net"
              },
              "mail": {{Mail(messageId, recipient, at)}}
            }
            """;
    }

    /// <summary>A feedback-loop complaint of type <c>abuse</c>.</summary>
    public static string Complaint(string messageId, string recipient, DateTimeOffset? occurredAt = null)
    {
        var at = occurredAt ?? DateTimeOffset.UtcNow;
        return $$"""
            {
              "notificationType": "Complaint",
              "complaint": {
                "userAgent": "ExampleISP Feedback Loop (V0.01)",
                "complainedRecipients": [
                  { "emailAddress": {{Json(recipient)}} }
                ],
                "complaintFeedbackType": "abuse",
                "arrivalDate": "{{Timestamp(at.AddSeconds(-1))}}",
                "timestamp": "{{Timestamp(at)}}",
                "feedbackId": "0100018f2b3c4d5e-8a9b0c1d-2e3f-4a50-b6c7-d8e9f0a1b2c3-000000"
              },
              "mail": {{Mail(messageId, recipient, at)}}
            }
            """;
    }

    /// <summary>A delivery accepted by the recipient's server with <c>250 2.0.0 OK</c>.</summary>
    public static string Delivery(string messageId, string recipient, DateTimeOffset? occurredAt = null)
    {
        var at = occurredAt ?? DateTimeOffset.UtcNow;
        return $$"""
            {
              "notificationType": "Delivery",
              "mail": {{Mail(messageId, recipient, at)}},
              "delivery": {
                "timestamp": "{{Timestamp(at)}}",
                "processingTimeMillis": 546,
                "recipients": [ {{Json(recipient)}} ],
                "smtpResponse": "250 2.0.0 OK",
                "remoteMtaIp": "192.0.2.25",
                "reportingMTA": "a8-70.smtp-out.amazonses.com"
              }
            }
            """;
    }

    private static string Mail(string messageId, string recipient, DateTimeOffset at) => $$"""
        {
            "timestamp": "{{Timestamp(at.AddSeconds(-2))}}",
            "source": "notify@example.com",
            "sourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
            "sourceIp": "192.0.2.10",
            "sendingAccountId": "123456789012",
            "messageId": {{Json(messageId)}},
            "destination": [ {{Json(recipient)}} ]
          }
        """;

    /// <summary>A JSON string literal, escaped, so a test can pass any recipient or id.</summary>
    private static string Json(string value) => $"\"{JsonEncodedText.Encode(value)}\"";

    /// <summary>SES's own format: ISO 8601, UTC, milliseconds.</summary>
    private static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
