using System.Text.Json.Nodes;

namespace Notify.Core.Tests.Feedback;

/// <summary>
/// Notifications shaped after the samples in the SES developer guide: "Amazon SNS notification examples for Amazon
/// SES" (identity notifications, <c>notificationType</c>) and "Examples of event data that Amazon SES publishes to
/// Amazon SNS" (configuration set event publishing, <c>eventType</c>), with the members SES documents and the ones a
/// parser must skip (headers, commonHeaders, tags, callerIdentity).
/// </summary>
internal static class SesDocumentedSamples
{
    public const string IdentityBounceWithDsn = """
        {
          "notificationType": "Bounce",
          "bounce": {
            "bounceType": "Permanent",
            "reportingMTA": "dns; email.example.com",
            "bouncedRecipients": [
              {
                "emailAddress": "jane@example.com",
                "status": "5.1.1",
                "action": "failed",
                "diagnosticCode": "smtp; 550 5.1.1 <jane@example.com>... User"
              }
            ],
            "bounceSubType": "General",
            "timestamp": "2016-01-27T14:59:38.237Z",
            "feedbackId": "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000",
            "remoteMtaIp": "127.0.2.0"
          },
          "mail": {
            "timestamp": "2016-01-27T14:59:38.237Z",
            "source": "john@example.com",
            "sourceArn": "arn:aws:ses:us-east-1:888888888888:identity/example.com",
            "sourceIp": "127.0.3.0",
            "sendingAccountId": "123456789012",
            "callerIdentity": "IAM_user_or_role_name",
            "messageId": "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000",
            "destination": [ "jane@example.com", "mary@example.com", "richard@example.com" ],
            "headersTruncated": false,
            "headers": [
              { "name": "From", "value": "\"John Doe\" <john@example.com>" },
              { "name": "To", "value": "\"Jane Doe\" <jane@example.com>, \"Mary Doe\" <mary@example.com>" },
              { "name": "Message-ID", "value": "custom-message-ID" },
              { "name": "Subject", "value": "Hello" },
              { "name": "Content-Type", "value": "text/plain; charset=\"UTF-8\"" }
            ],
            "commonHeaders": {
              "from": [ "John Doe <john@example.com>" ],
              "date": "Wed, 27 Jan 2016 14:05:45 +0000",
              "to": [ "Jane Doe <jane@example.com>, Mary Doe <mary@example.com>" ],
              "messageId": "custom-message-ID",
              "subject": "Hello"
            }
          }
        }
        """;

    public const string IdentityBounceWithoutDsn = """
        {
          "notificationType": "Bounce",
          "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [
              { "emailAddress": "jane@example.com" },
              { "emailAddress": "richard@example.com" }
            ],
            "timestamp": "2016-01-27T14:59:38.237Z",
            "feedbackId": "00000137860315fd-869464a4-8680-4114-98d3-716fe35851f9-000000",
            "remoteMtaIp": "127.0.2.0"
          },
          "mail": {
            "timestamp": "2016-01-27T14:59:38.237Z",
            "messageId": "00000137860315fd-34208509-5b74-41f3-95c5-22c1edc3c924-000000",
            "source": "john@example.com",
            "sourceArn": "arn:aws:ses:us-east-1:888888888888:identity/example.com",
            "sourceIp": "127.0.3.0",
            "sendingAccountId": "123456789012",
            "callerIdentity": "IAM_user_or_role_name",
            "destination": [ "jane@example.com", "mary@example.com", "richard@example.com" ]
          }
        }
        """;

    public const string IdentityComplaintWithFeedbackReport = """
        {
          "notificationType": "Complaint",
          "complaint": {
            "userAgent": "AnyCompany Feedback Loop (V0.01)",
            "complainedRecipients": [ { "emailAddress": "richard@example.com" } ],
            "complaintFeedbackType": "abuse",
            "arrivalDate": "2016-01-27T14:59:38.237Z",
            "timestamp": "2016-01-27T14:59:38.237Z",
            "feedbackId": "000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000"
          },
          "mail": {
            "timestamp": "2016-01-27T14:59:38.237Z",
            "messageId": "000001378603177f-7a5433e7-8edb-42ae-af10-f0181f34d6ee-000000",
            "source": "john@example.com",
            "sourceArn": "arn:aws:ses:us-east-1:888888888888:identity/example.com",
            "sourceIp": "127.0.3.0",
            "sendingAccountId": "123456789012",
            "callerIdentity": "IAM_user_or_role_name",
            "destination": [ "jane@example.com", "mary@example.com", "richard@example.com" ],
            "headersTruncated": false,
            "headers": [ { "name": "Subject", "value": "Hello" } ],
            "commonHeaders": { "from": [ "John Doe <john@example.com>" ], "subject": "Hello" }
          }
        }
        """;

    public const string IdentityComplaintWithoutFeedbackReport = """
        {
          "notificationType": "Complaint",
          "complaint": {
            "complainedRecipients": [ { "emailAddress": "richard@example.com" } ],
            "timestamp": "2016-01-27T14:59:38.237Z",
            "feedbackId": "0000013786031775-fea503bc-7497-49e1-881b-a0379bb037d3-000000"
          },
          "mail": {
            "timestamp": "2016-01-27T14:59:38.237Z",
            "messageId": "0000013786031775-163e3910-53eb-4c8e-a04a-f29debf88a84-000000",
            "source": "john@example.com",
            "sourceArn": "arn:aws:ses:us-east-1:888888888888:identity/example.com",
            "sourceIp": "127.0.3.0",
            "sendingAccountId": "123456789012",
            "destination": [ "jane@example.com", "mary@example.com", "richard@example.com" ]
          }
        }
        """;

    public const string IdentityDelivery = """
        {
          "notificationType": "Delivery",
          "mail": {
            "timestamp": "2016-01-27T14:59:38.237Z",
            "messageId": "0000014644fe5ef6-9a483358-9170-4cb4-a269-f5dcdf415321-000000",
            "source": "john@example.com",
            "sourceArn": "arn:aws:ses:us-east-1:888888888888:identity/example.com",
            "sourceIp": "127.0.3.0",
            "sendingAccountId": "123456789012",
            "callerIdentity": "IAM_user_or_role_name",
            "destination": [ "jane@example.com" ],
            "headersTruncated": false,
            "headers": [ { "name": "Subject", "value": "Hello" } ],
            "commonHeaders": { "from": [ "John Doe <john@example.com>" ], "to": [ "Jane Doe <jane@example.com>" ], "subject": "Hello" }
          },
          "delivery": {
            "timestamp": "2016-01-27T14:59:38.237Z",
            "recipients": [ "jane@example.com" ],
            "processingTimeMillis": 546,
            "reportingMTA": "a8-70.smtp-out.amazonses.com",
            "smtpResponse": "250 ok:  Message 64111812 accepted",
            "remoteMtaIp": "127.0.2.0"
          }
        }
        """;

    public const string EventBounce = """
        {
          "eventType": "Bounce",
          "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [
              {
                "emailAddress": "recipient@example.com",
                "action": "failed",
                "status": "5.1.1",
                "diagnosticCode": "smtp; 550 5.1.1 user unknown"
              }
            ],
            "timestamp": "2017-08-05T00:41:02.669Z",
            "feedbackId": "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000",
            "reportingMTA": "dsn; mta.example.com"
          },
          "mail": {
            "timestamp": "2017-08-05T00:40:02.012Z",
            "source": "Sender Name <sender@example.com>",
            "sourceArn": "arn:aws:ses:us-east-1:123456789012:identity/sender@example.com",
            "sendingAccountId": "123456789012",
            "messageId": "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000",
            "destination": [ "recipient@example.com" ],
            "headersTruncated": false,
            "headers": [ { "name": "From", "value": "Sender Name <sender@example.com>" } ],
            "commonHeaders": { "from": [ "Sender Name <sender@example.com>" ], "to": [ "recipient@example.com" ], "messageId": "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000", "subject": "Message sent from Amazon SES" },
            "tags": {
              "ses:configuration-set": [ "ConfigSet" ],
              "ses:source-ip": [ "192.0.2.0" ],
              "ses:from-domain": [ "example.com" ],
              "ses:caller-identity": [ "ses_user" ]
            }
          }
        }
        """;

    public const string EventComplaint = """
        {
          "eventType": "Complaint",
          "complaint": {
            "complainedRecipients": [ { "emailAddress": "recipient@example.com" } ],
            "timestamp": "2017-08-05T00:41:02.669Z",
            "feedbackId": "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000",
            "userAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.90 Safari/537.36",
            "complaintFeedbackType": "abuse",
            "complaintSubType": null,
            "arrivalDate": "2017-08-05T00:41:02.669Z"
          },
          "mail": {
            "timestamp": "2017-08-05T00:40:01.123Z",
            "source": "Sender Name <sender@example.com>",
            "sourceArn": "arn:aws:ses:us-east-1:123456789012:identity/sender@example.com",
            "sendingAccountId": "123456789012",
            "messageId": "EXAMPLEf3f73d99b-c63fb06f-d263-41f8-a0fb-d0dc67d56c07-000000",
            "destination": [ "recipient@example.com" ],
            "tags": { "ses:configuration-set": [ "ConfigSet" ] }
          }
        }
        """;

    public const string EventDelivery = """
        {
          "eventType": "Delivery",
          "mail": {
            "timestamp": "2016-10-19T23:20:52.240Z",
            "source": "sender@example.com",
            "sourceArn": "arn:aws:ses:us-east-1:123456789012:identity/sender@example.com",
            "sendingAccountId": "123456789012",
            "messageId": "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000",
            "destination": [ "recipient@example.com" ],
            "tags": { "ses:configuration-set": [ "ConfigSet" ], "myCustomTag": [ "myCustomTagValue" ] }
          },
          "delivery": {
            "timestamp": "2016-10-19T23:21:04.133Z",
            "processingTimeMillis": 11893,
            "recipients": [ "recipient@example.com" ],
            "smtpResponse": "250 2.6.0 Message received",
            "reportingMTA": "mta.example.com"
          }
        }
        """;

    /// <summary>An event-publishing record of <paramref name="eventType"/> with the member SES documents for it.</summary>
    public static string Event(string eventType, string member, string content) => $$"""
        {
          "eventType": "{{eventType}}",
          "mail": {
            "timestamp": "2017-08-09T21:59:49.927Z",
            "source": "sender@example.com",
            "sendingAccountId": "123456789012",
            "messageId": "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000",
            "destination": [ "recipient@example.com" ]
          },
          "{{member}}": {{content}}
        }
        """;

    public static string SnsEnvelope(string message) => new JsonObject
    {
        ["Type"] = "Notification",
        ["MessageId"] = "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        ["TopicArn"] = "arn:aws:sns:us-east-1:123456789012:notify-feedback",
        ["Message"] = message,
        ["Timestamp"] = "2016-01-27T14:59:39.000Z",
        ["SignatureVersion"] = "1",
        ["Signature"] = "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
        ["SigningCertURL"] = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
        ["UnsubscribeURL"] = "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:123456789012:notify-feedback:c9135db0-26c4-47ec-8998-413945fb5a96",
    }.ToJsonString();

    public const string SubscriptionConfirmation = """
        {
          "Type": "SubscriptionConfirmation",
          "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
          "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
          "TopicArn": "arn:aws:sns:us-east-1:123456789012:notify-feedback",
          "Message": "You have chosen to subscribe to the topic arn:aws:sns:us-east-1:123456789012:notify-feedback.\nTo confirm the subscription, visit the SubscribeURL included in this message.",
          "SubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:notify-feedback&Token=2336412f37",
          "Timestamp": "2012-04-26T20:45:04.751Z",
          "SignatureVersion": "1",
          "Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
          "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem"
        }
        """;
}
