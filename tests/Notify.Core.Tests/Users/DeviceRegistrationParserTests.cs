using Notify.Core.Users;

namespace Notify.Core.Tests.Users;

public sealed class DeviceRegistrationParserTests
{
    [Theory]
    [InlineData("fcm", PushPlatform.Fcm)]
    [InlineData("apns", PushPlatform.Apns)]
    [InlineData("apns_sandbox", PushPlatform.ApnsSandbox)]
    public void Should_parse_each_platform_when_valid(string platform, PushPlatform expected)
    {
        var result = DeviceRegistrationParser.Parse(TestJson.Parse($$"""{"deviceId":"phone-1","platform":"{{platform}}","token":"abc:DEF_123-x"}"""));

        Assert.True(result.IsValid);
        Assert.Equal(new DeviceRegistration("phone-1", expected, "abc:DEF_123-x"), result.Value);
        Assert.Equal("phone-1", result.Value.ResolvedDeviceId);
    }

    [Fact]
    public void Should_derive_the_same_device_id_when_the_same_token_is_registered_without_one()
    {
        var first = DeviceRegistrationParser.Parse(TestJson.Parse("""{"platform":"fcm","token":"tok-1"}""")).Value!;
        var again = DeviceRegistrationParser.Parse(TestJson.Parse("""{"token":"tok-1","platform":"fcm"}""")).Value!;
        var other = DeviceRegistrationParser.Parse(TestJson.Parse("""{"platform":"fcm","token":"tok-2"}""")).Value!;

        Assert.Equal(first.ResolvedDeviceId, again.ResolvedDeviceId);
        Assert.NotEqual(first.ResolvedDeviceId, other.ResolvedDeviceId);
        Assert.Matches(Notify.Core.IngestionLimits.DeviceIdPattern, first.ResolvedDeviceId);
    }

    [Theory]
    [InlineData("""{"token":"t"}""", "platform")]
    [InlineData("""{"platform":"gcm","token":"t"}""", "platform")]
    [InlineData("""{"platform":"fcm"}""", "token")]
    [InlineData("""{"platform":"fcm","token":""}""", "token")]
    [InlineData("""{"platform":"fcm","token":"has space"}""", "token")]
    [InlineData("""{"platform":"fcm","token":"t","deviceId":"a/b"}""", "deviceId")]
    [InlineData("""{"platform":"fcm","token":"t","endpointArn":"arn"}""", "endpointArn")]
    public void Should_name_the_bad_field_when_the_device_is_malformed(string body, string expectedKey)
    {
        Assert.Equal([expectedKey], DeviceRegistrationParser.Parse(TestJson.Parse(body)).Errors.Keys);
    }

    [Fact]
    public void Should_reject_the_token_when_it_is_longer_than_the_limit()
    {
        var body = $$"""{"platform":"apns","token":"{{new string('a', Notify.Core.IngestionLimits.DeviceTokenMaxLength + 1)}}"}""";

        Assert.Equal(["token"], DeviceRegistrationParser.Parse(TestJson.Parse(body)).Errors.Keys);
    }
}
