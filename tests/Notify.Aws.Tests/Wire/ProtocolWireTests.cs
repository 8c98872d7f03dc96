using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Notify.Aws.Http;

namespace Notify.Aws.Tests.Wire;

/// <summary>
/// Each wire protocol helper, driven directly, sends what the official JS SDK sends for the same call. Also
/// shows the harness fails on real differences and broken signatures, so a green service wire test means something.
/// </summary>
public sealed class ProtocolWireTests : IClassFixture<RecordingServer>, IDisposable
{
    private readonly RecordingServer _server;
    private readonly AwsJsonRpcProtocol _sqs;
    private readonly AwsQueryProtocol _sns;
    private readonly AwsRestJsonProtocol _sesV2;

    public ProtocolWireTests(RecordingServer server)
    {
        _server = server;
        _sqs = new(new AwsTransport(AwsService.Sqs, _server.Connection, JsonErrorReader.Instance), "AmazonSQS", queryCompatible: true);
        _sns = new(new AwsTransport(AwsService.Sns, _server.Connection, QueryXmlErrorReader.Instance), "2010-03-31");
        _sesV2 = new(new AwsTransport(AwsService.SesV2, _server.Connection, JsonErrorReader.Instance));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_match_the_JS_SDK_when_calling_every_protocol_directly()
    {
        const string topicArn = "arn:aws:sns:us-east-1:123456789012:notify-events";
        await WireComparison.AssertEquivalentAsync(_server,
        [
            new("sqs", "ListQueues", new { QueueNamePrefix = "q", MaxResults = 10 }, ct =>
                _sqs.InvokeAsync("ListQueues", new Dictionary<string, object> { ["QueueNamePrefix"] = "q", ["MaxResults"] = 10 },
                    Json<Dictionary<string, object>>(), Json<JsonElement>(), ct)),
            new("sns", "Publish", new
            {
                TopicArn = topicArn,
                Message = "hello, world & more: ünïcødé + 100%",
                Subject = "s",
                MessageAttributes = new Dictionary<string, object> { ["kind"] = new { DataType = "String", StringValue = "v 1" } },
            }, ct => _sns.InvokeAsync("Publish", new QueryParameters()
                .Add("TopicArn", topicArn)
                .Add("Message", "hello, world & more: ünïcødé + 100%")
                .Add("Subject", "s")
                .Add("MessageAttributes.entry.1.Name", "kind")
                .Add("MessageAttributes.entry.1.Value.DataType", "String")
                .Add("MessageAttributes.entry.1.Value.StringValue", "v 1"), ct)),
            new("sesv2", "CreateEmailIdentity", new { EmailIdentity = "sender@example.com", Tags = new[] { new { Key = "team", Value = "notify" } } },
                ct => _sesV2.InvokeAsync("CreateEmailIdentity", HttpMethod.Post, "/v2/email/identities",
                    Encoding.UTF8.GetBytes("""{"Tags":[{"Value":"notify","Key":"team"}],"EmailIdentity":"sender@example.com"}"""),
                    Json<JsonElement>(), ct)),
            new("sesv2", "GetEmailIdentity", new { EmailIdentity = "a+b/c@example.com" }, ct =>
                _sesV2.InvokeAsync("GetEmailIdentity", HttpMethod.Get,
                    "/v2/email/identities/" + AwsRestJsonProtocol.Label("a+b/c@example.com"), null, Json<JsonElement>(), ct)),
        ], Ct);
    }

    [Fact]
    public async Task Should_fail_when_a_member_differs_from_the_JS_SDK()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => WireComparison.AssertEquivalentAsync(_server,
        [
            new("sqs", "ListQueues", new { QueueNamePrefix = "q" }, ct =>
                _sqs.InvokeAsync("ListQueues", new Dictionary<string, object> { ["QueueNamePrefix"] = "r" },
                    Json<Dictionary<string, object>>(), Json<JsonElement>(), ct)),
        ], Ct));

        Assert.Contains("$.QueueNamePrefix: \"q\" vs \"r\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_ignore_key_order_and_number_spelling_but_not_values_when_comparing_bodies()
    {
        var first = await SendJsonAsync("""{"A":1,"B":[{"X":"y","Z":2.50}]}""");
        var reordered = await SendJsonAsync("""{"B":[{"Z":2.5,"X":"y"}],"A":1.0}""");
        var changed = await SendJsonAsync("""{"A":1,"B":[{"X":"y","Z":2.51}]}""");

        WireAssert.Equivalent(first, reordered, "sqs");
        var e = Assert.ThrowsAny<Exception>(() => WireAssert.Equivalent(first, changed, "sqs"));
        Assert.Contains("$.B[0].Z: 2.50 vs 2.51", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_ignore_form_field_order_but_not_a_missing_field_when_comparing_query_bodies()
    {
        var first = await SendQueryAsync(new QueryParameters().Add("A", "1").Add("B", "x y"));
        var reordered = await SendQueryAsync(new QueryParameters().Add("B", "x y").Add("A", "1"));
        var missing = await SendQueryAsync(new QueryParameters().Add("A", "1"));

        WireAssert.Equivalent(first, reordered, "sns");
        var e = Assert.ThrowsAny<Exception>(() => WireAssert.Equivalent(first, missing, "sns"));
        Assert.Contains("only in JS: [B=x y]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_fail_verification_when_the_body_or_a_signed_header_changed_after_signing()
    {
        var sent = await SendJsonAsync("""{"A":1}""");
        var otherBody = sent with { Body = Encoding.UTF8.GetBytes("""{"A":2}""") };
        var otherTarget = sent with
        {
            Headers = new Dictionary<string, string>(sent.Headers, StringComparer.OrdinalIgnoreCase) { ["X-Amz-Target"] = "AmazonSQS.Other" },
        };

        WireAssert.AssertSigned(sent, "Notify", "sqs");
        var e = Assert.ThrowsAny<Exception>(() => WireAssert.AssertSigned(otherBody, "Notify", "sqs"));
        Assert.Contains("x-amz-content-sha256 is not the hash of the body", e.Message, StringComparison.Ordinal);
        e = Assert.ThrowsAny<Exception>(() => WireAssert.AssertSigned(otherTarget, "Notify", "sqs"));
        Assert.Contains("signature does not verify", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_verify_JS_SDK_signatures_that_AWSSDK_Core_cannot_reproduce()
    {
        _server.Clear();
        await JsSdk.RunAsync(new JsCall("sqs", "ListQueues", new { QueueNamePrefix = "q" }, _server.Endpoint), Ct);
        var js = Assert.Single(_server.Requests);

        // The JS SDK signs its amz-sdk-* headers, which AWSSDK.Core's signer refuses to sign: only the
        // independent implementation can check it, and it must.
        Assert.Contains("amz-sdk-invocation-id", SigV4Authorization.Parse(js.Header("Authorization")).SignedHeaders);
        Assert.Null(SigV4.SignWithAwsSdk(js, RecordingServer.AccessKey, RecordingServer.SecretKey));
        WireAssert.AssertSigned(js, "JS SDK", "sqs");
    }

    [Fact]
    public async Task Should_reproduce_Notify_signatures_with_AWSSDK_Core_signer()
    {
        var sent = await SendJsonAsync("""{"QueueNamePrefix":"q"}""");

        Assert.Equal(sent.Header("Authorization"), SigV4.SignWithAwsSdk(sent, RecordingServer.AccessKey, RecordingServer.SecretKey));
    }

    private async Task<RecordedRequest> SendJsonAsync(string json)
    {
        _server.Clear();
        await Assert.ThrowsAsync<AwsServiceException>(() => _sqs.Transport.SendAsync(
            new AwsHttpRequest("Test", HttpMethod.Post, "/", "application/x-amz-json-1.0", Encoding.UTF8.GetBytes(json), [new("X-Amz-Target", "AmazonSQS.Test")]),
            Ct));
        return Assert.Single(_server.Requests);
    }

    private async Task<RecordedRequest> SendQueryAsync(QueryParameters parameters)
    {
        _server.Clear();
        await Assert.ThrowsAsync<AwsServiceException>(() => _sns.InvokeAsync("Test", parameters, Ct));
        return Assert.Single(_server.Requests);
    }

    public void Dispose()
    {
        _sqs.Transport.Dispose();
        _sns.Transport.Dispose();
        _sesV2.Transport.Dispose();
    }

    // Reflection-based metadata is fine in tests; the clients themselves use source-generated contexts.
    private static JsonTypeInfo<T> Json<T>() => (JsonTypeInfo<T>)JsonSerializerOptions.Default.GetTypeInfo(typeof(T));
}
