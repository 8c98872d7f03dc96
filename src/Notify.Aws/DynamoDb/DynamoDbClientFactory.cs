using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Notify.Aws.Http;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// DynamoDB goes through the official AWSSDK.DynamoDBv2 (it restores here), configured with the same
/// connection and endpoint rules as Notify's own clients so all four services point at the same AWS.
/// </summary>
public static class DynamoDbClientFactory
{
    public static AmazonDynamoDBClient Create(AwsConnection connection, AwsRetryOptions? retry = null)
    {
        retry ??= new AwsRetryOptions();
        var endpoint = connection.ResolveEndpoint(AwsService.DynamoDb);
        var config = new AmazonDynamoDBConfig
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = Math.Max(0, retry.MaxAttempts - 1),
            Timeout = retry.AttemptTimeout,

            // Route the SDK's HTTP through a handler that counts and traces requests like Notify's own clients, so
            // "AWS requests per accepted event" and the traces include DynamoDB.
            HttpClientFactory = new CountingHttpClientFactory(),
        };

        if (endpoint.Host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase) || endpoint.Host.EndsWith(".amazonaws.com.cn", StringComparison.OrdinalIgnoreCase))
        {
            config.RegionEndpoint = connection.Region;
        }
        else
        {
            // A custom endpoint (moto, LocalStack, a VPC endpoint) still signs for the connection's region.
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = connection.Region.SystemName;
        }

        return new AmazonDynamoDBClient(connection.Credentials, config);
    }

    private sealed class CountingHttpClientFactory : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new TelemetryHandler { InnerHandler = AwsTransport.CreateHandler() }) { Timeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(100) };

        // One client for the process, as the SDK's own factory would cache it.
        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        public override string GetConfigUniqueString(IClientConfig clientConfig) => "notify-dynamodb";
    }

    /// <summary>
    /// Counts each HTTP attempt on Notify's meter and traces it as a client span (<c>DynamoDB.{operation}</c>) beside the
    /// spans of Notify's own clients; the SDK retries inside, so a retried call shows one span per attempt.
    /// </summary>
    private sealed class TelemetryHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.FirstOrDefault() : null;
            var operation = target?[(target.IndexOf('.', StringComparison.Ordinal) + 1)..] ?? "unknown";
            AwsTelemetry.Requests.Add(
                1,
                new KeyValuePair<string, object?>("service", AwsService.DynamoDb.ServiceId),
                new KeyValuePair<string, object?>("operation", operation));
            using var activity = AwsTelemetry.Source.StartActivity($"{AwsService.DynamoDb.ServiceId}.{operation}", System.Diagnostics.ActivityKind.Client);
            activity?.SetTag("rpc.system", "aws-api").SetTag("rpc.service", AwsService.DynamoDb.ServiceId).SetTag("rpc.method", operation)
                .SetTag("server.address", request.RequestUri?.Host);
            if (activity is { IsAllDataRequested: true } && request.Content is ReadOnlyMemoryContent or ByteArrayContent)
            {
                var tables = await TableNamesOfAsync(request.Content, cancellationToken);
                if (tables.Length > 0)
                {
                    activity.SetTag("aws.dynamodb.table_names", tables);
                }
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (activity is not null)
            {
                activity.SetTag("http.response.status_code", (int)response.StatusCode);
                activity.SetTag("aws.request_id", response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null);
                if (!response.IsSuccessStatusCode)
                {
                    activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            return response;
        }
    }

    /// <summary>
    /// The SDK hands the serialized request over in memory (a <see cref="ReadOnlyMemoryContent"/> in AWSSDK.Core 4): copying
    /// it out leaves the content as it was (not buffered, not consumed), and the send serializes it afresh. A stream body
    /// is never read here, as it may not rewind.
    /// </summary>
    private static async Task<string[]> TableNamesOfAsync(HttpContent content, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream((int)Math.Clamp(content.Headers.ContentLength ?? 0, 0, int.MaxValue));
        await content.CopyToAsync(body, cancellationToken);
        return TableNamesOf(body.GetBuffer().AsSpan(0, (int)body.Length));
    }

    /// <summary>
    /// The tables a DynamoDB request names (<c>aws.dynamodb.table_names</c>): <c>TableName</c>, the keys of
    /// <c>RequestItems</c> (batch operations) and <c>TransactItems[*].{Put,Update,Delete,ConditionCheck,Get}.TableName</c>.
    /// Reads the top level only and skips every value it does not need, items and keys included.
    /// </summary>
    internal static string[] TableNamesOf(ReadOnlySpan<byte> json)
    {
        List<string>? names = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return [];
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("TableName"u8))
                {
                    AddString(ref reader, ref names);
                }
                else if (reader.ValueTextEquals("RequestItems"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            Add(ref names, reader.GetString());
                            reader.Read();
                            reader.Skip();
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("TransactItems"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                        {
                            // Each item is {"Put": {...}} or another action; the table sits one level down.
                            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                            {
                                reader.Read();
                                if (reader.TokenType != JsonTokenType.StartObject)
                                {
                                    reader.Skip();
                                    continue;
                                }

                                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                                {
                                    if (reader.ValueTextEquals("TableName"u8))
                                    {
                                        AddString(ref reader, ref names);
                                    }
                                    else
                                    {
                                        reader.Read();
                                        reader.Skip();
                                    }
                                }
                            }
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Tracing never fails a call: a body that is not what DynamoDB expects leaves what was read so far.
        }

        return names?.ToArray() ?? [];

        static void AddString(ref Utf8JsonReader reader, ref List<string>? names)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                Add(ref names, reader.GetString());
            }
            else
            {
                reader.Skip();
            }
        }

        static void Add(ref List<string>? names, string? name)
        {
            names ??= new List<string>(1);
            if (!string.IsNullOrEmpty(name) && !names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }
    }
}
