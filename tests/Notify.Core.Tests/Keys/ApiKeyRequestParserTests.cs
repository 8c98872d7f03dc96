using Notify.Core.Events;
using Notify.Core.Keys;

namespace Notify.Core.Tests.Keys;

public sealed class ApiKeyRequestParserTests
{
    [Theory]
    [InlineData("""["send"]""", ApiScopes.Send)]
    [InlineData("""["send","read"]""", ApiScopes.Send | ApiScopes.Read)]
    [InlineData("""["admin"]""", ApiScopes.Admin)]
    public void Should_combine_scopes_when_the_request_is_valid(string scopes, ApiScopes expected)
    {
        var result = ApiKeyRequestParser.Parse(TestJson.Parse($$"""{"name":"CI key","scopes":{{scopes}},"mode":"test"}"""));

        Assert.True(result.IsValid);
        Assert.Equal(new ApiKeyRequest("CI key", expected, KeyMode.Test), result.Value);
    }

    [Fact]
    public void Should_imply_send_and_read_when_the_scope_is_admin()
    {
        var scopes = ApiKeyRequestParser.Parse(TestJson.Parse("""{"name":"ops","scopes":["admin"],"mode":"live"}""")).Value!.Scopes;

        Assert.True(scopes.HasFlag(ApiScopes.Send));
        Assert.True(scopes.HasFlag(ApiScopes.Read));
    }

    [Theory]
    [InlineData("""{"scopes":["send"],"mode":"live"}""", "name")]
    [InlineData("""{"name":"   ","scopes":["send"],"mode":"live"}""", "name")]
    [InlineData("""{"name":"a\u0000b","scopes":["send"],"mode":"live"}""", "name")]
    [InlineData("""{"name":"k","scopes":[],"mode":"live"}""", "scopes")]
    [InlineData("""{"name":"k","scopes":"send","mode":"live"}""", "scopes")]
    [InlineData("""{"name":"k","scopes":["send","write"],"mode":"live"}""", "scopes[1]")]
    [InlineData("""{"name":"k","scopes":["send"]}""", "mode")]
    [InlineData("""{"name":"k","scopes":["send"],"mode":"prod"}""", "mode")]
    [InlineData("""{"name":"k","scopes":["send"],"mode":"live","key":"secret"}""", "key")]
    public void Should_name_the_bad_field_when_the_key_request_is_malformed(string body, string expectedKey)
    {
        Assert.Equal([expectedKey], ApiKeyRequestParser.Parse(TestJson.Parse(body)).Errors.Keys);
    }

    [Fact]
    public void Should_reject_the_name_when_it_is_longer_than_the_limit()
    {
        var body = $$"""{"name":"{{new string('k', Notify.Core.IngestionLimits.KeyNameMaxLength + 1)}}","scopes":["read"],"mode":"live"}""";

        Assert.Equal(["name"], ApiKeyRequestParser.Parse(TestJson.Parse(body)).Errors.Keys);
    }
}
