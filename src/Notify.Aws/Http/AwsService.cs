namespace Notify.Aws.Http;

/// <summary>
/// What the transport needs to know about one AWS service: the name it signs with, the host prefix of its
/// regional endpoint and the keys of its service-specific endpoint variable (<c>AWS_ENDPOINT_URL_{key}</c>),
/// in the order the official SDKs look them up.
/// </summary>
public sealed record AwsService(string ServiceId, string SigningName, string EndpointPrefix, IReadOnlyList<string> EndpointEnvironmentKeys)
{
    public static readonly AwsService Sqs = new("SQS", "sqs", "sqs", ["SQS"]);
    public static readonly AwsService Sns = new("SNS", "sns", "sns", ["SNS"]);

    // SES v1 and v2 share the signing name and the host; the v2 SDKs read AWS_ENDPOINT_URL_SESV2 first.
    public static readonly AwsService SesV2 = new("SESv2", "ses", "email", ["SESV2", "SES"]);
    public static readonly AwsService Ses = new("SES", "ses", "email", ["SES"]);
    public static readonly AwsService DynamoDb = new("DynamoDB", "dynamodb", "dynamodb", ["DYNAMODB"]);

    public override string ToString() => ServiceId;
}
