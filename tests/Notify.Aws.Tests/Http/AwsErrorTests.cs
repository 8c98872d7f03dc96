using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Notify.Aws.Http;

namespace Notify.Aws.Tests.Http;

public sealed class AwsErrorTests
{
    [Theory]
    [InlineData("ThrottlingException", 400)]
    [InlineData("Throttling", 400)]
    [InlineData("RequestThrottled", 403)]
    [InlineData("Anything", 429)]
    public void Should_classify_as_throttling_and_retryable_when_the_code_or_status_says_so(string code, int status)
    {
        Assert.True(AwsErrorClassifier.IsThrottling(code, (HttpStatusCode)status));
        Assert.True(AwsErrorClassifier.IsRetryable(code, (HttpStatusCode)status));
    }

    [Theory]
    [InlineData("InternalFailure", 500)]
    [InlineData("ServiceUnavailable", 503)]
    [InlineData("Unknown", 502)]
    [InlineData("RequestTimeout", 400)]
    [InlineData("InternalError", 400)]
    public void Should_classify_as_retryable_but_not_throttling_when_transient(string code, int status)
    {
        Assert.False(AwsErrorClassifier.IsThrottling(code, (HttpStatusCode)status));
        Assert.True(AwsErrorClassifier.IsRetryable(code, (HttpStatusCode)status));
    }

    [Theory]
    [InlineData("QueueDoesNotExist", 400)]
    [InlineData("AccessDenied", 403)]
    [InlineData("NotFoundException", 404)]
    [InlineData("InvalidParameterValue", 400)]
    public void Should_classify_as_not_retryable_when_the_request_itself_is_wrong(string code, int status) =>
        Assert.False(AwsErrorClassifier.IsRetryable(code, (HttpStatusCode)status));

    [Fact]
    public void Should_strip_the_namespace_when_the_JSON_type_is_namespace_prefixed()
    {
        var error = JsonErrorReader.Instance.Read(
            Headers(("x-amzn-RequestId", "req-1")), Bytes("""{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The queue does not exist."}"""));

        Assert.Equal(new AwsErrorDetails("QueueDoesNotExist", "The queue does not exist.", "req-1"), error);
    }

    [Fact]
    public void Should_prefer_the_header_and_strip_its_URL_suffix_when_x_amzn_ErrorType_is_present()
    {
        var error = JsonErrorReader.Instance.Read(
            Headers(("x-amzn-ErrorType", "NotFoundException:http://internal.amazon.com/coral/com.amazonaws.sesv2/")),
            Bytes("""{"code":"Other","Message":"Email identity a@b.c does not exist."}"""));

        Assert.Equal("NotFoundException", error.Code);
        Assert.Equal("Email identity a@b.c does not exist.", error.Message);
    }

    [Fact]
    public void Should_read_the_legacy_code_when_x_amzn_query_error_is_present()
    {
        var error = JsonErrorReader.Instance.Read(
            Headers(("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender")),
            Bytes("""{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"m"}"""));

        Assert.Equal("QueueDoesNotExist", error.Code);
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", error.QueryErrorCode);
    }

    [Fact]
    public void Should_report_Unknown_with_the_body_as_message_when_the_error_body_is_not_JSON()
    {
        var error = JsonErrorReader.Instance.Read(Headers(), Bytes("<html>Bad Gateway</html>"));

        Assert.Equal("Unknown", error.Code);
        Assert.Equal("<html>Bad Gateway</html>", error.Message);
    }

    [Fact]
    public void Should_read_code_message_and_request_id_when_the_Query_error_is_namespaced_XML()
    {
        var error = QueryXmlErrorReader.Instance.Read(Headers(), Bytes("""
            <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error>
              <RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId>
            </ErrorResponse>
            """));

        Assert.Equal(new AwsErrorDetails("NotFound", "Topic does not exist", "9dd01905-5012-5f99-8663-4b3ecd0dfaef"), error);
    }

    [Fact]
    public void Should_prefer_the_request_id_header_when_a_Query_error_has_both()
    {
        var error = QueryXmlErrorReader.Instance.Read(
            Headers(("x-amzn-RequestId", "from-header")),
            Bytes("<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>from-body</RequestId></ErrorResponse>"));

        Assert.Equal(new AwsErrorDetails("Throttling", "Rate exceeded", "from-header"), error);
    }

    [Fact]
    public void Should_report_Unknown_with_the_body_as_message_when_the_Query_error_is_not_XML()
    {
        var error = QueryXmlErrorReader.Instance.Read(Headers(), Bytes("Service Unavailable"));

        Assert.Equal("Unknown", error.Code);
        Assert.Equal("Service Unavailable", error.Message);
    }

    private static HttpResponseHeaders Headers(params (string Name, string Value)[] headers)
    {
        using var response = new HttpResponseMessage();
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response.Headers;
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
