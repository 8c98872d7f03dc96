using System.Text.Json;
using Notify.Aws.Channels.Push;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Users;

namespace Notify.Aws.Tests.Channels;

public sealed class PushPayloadsTests
{
    [Theory]
    [InlineData(Priority.High, "high")]
    [InlineData(Priority.Low, "normal")]
    public void Should_build_the_fcm_v1_message_as_a_json_string_under_GCM_with_the_android_priority(Priority priority, string expected)
    {
        var message = PushPayloads.Message(new PushMessage("arn", PushPlatform.Fcm, "Title \"quoted\"", "Body ünïcode", "e-1", priority));

        using var outer = JsonDocument.Parse(message);
        Assert.Equal(["default", "GCM"], outer.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Body ünïcode", outer.RootElement.GetProperty("default").GetString());
        using var gcm = JsonDocument.Parse(outer.RootElement.GetProperty("GCM").GetString()!);
        var fcm = gcm.RootElement.GetProperty("fcmV1Message").GetProperty("message");
        Assert.Equal("Title \"quoted\"", fcm.GetProperty("notification").GetProperty("title").GetString());
        Assert.Equal("Body ünïcode", fcm.GetProperty("notification").GetProperty("body").GetString());
        Assert.Equal(expected, fcm.GetProperty("android").GetProperty("priority").GetString());
        Assert.Equal("e-1", fcm.GetProperty("data").GetProperty("eventId").GetString());
        Assert.Empty(PushPayloads.Attributes(new PushMessage("arn", PushPlatform.Fcm, null, "b", "e-1", priority)));
    }

    [Theory]
    [InlineData(PushPlatform.Apns, "APNS")]
    [InlineData(PushPlatform.ApnsSandbox, "APNS_SANDBOX")]
    public void Should_build_the_aps_alert_under_the_platform_key_with_the_event_id_beside_it(PushPlatform platform, string key)
    {
        var message = PushPayloads.Message(new PushMessage("arn", platform, "Hello", "World", "e-7", Priority.High));

        using var outer = JsonDocument.Parse(message);
        Assert.Equal(["default", key], outer.RootElement.EnumerateObject().Select(p => p.Name));
        using var apns = JsonDocument.Parse(outer.RootElement.GetProperty(key).GetString()!);
        var aps = apns.RootElement.GetProperty("aps");
        Assert.Equal("Hello", aps.GetProperty("alert").GetProperty("title").GetString());
        Assert.Equal("World", aps.GetProperty("alert").GetProperty("body").GetString());
        Assert.Equal("default", aps.GetProperty("sound").GetString());
        Assert.Equal("e-7", apns.RootElement.GetProperty("eventId").GetString());
    }

    [Fact]
    public void Should_leave_the_title_out_when_there_is_none()
    {
        using var outer = JsonDocument.Parse(PushPayloads.Message(new PushMessage("arn", PushPlatform.Apns, null, "Only a body", "e-1", Priority.Low)));
        using var apns = JsonDocument.Parse(outer.RootElement.GetProperty("APNS").GetString()!);
        using var fcmOuter = JsonDocument.Parse(PushPayloads.Message(new PushMessage("arn", PushPlatform.Fcm, null, "Only a body", "e-1", Priority.Low)));
        using var fcm = JsonDocument.Parse(fcmOuter.RootElement.GetProperty("GCM").GetString()!);

        Assert.False(apns.RootElement.GetProperty("aps").GetProperty("alert").TryGetProperty("title", out _));
        Assert.False(fcm.RootElement.GetProperty("fcmV1Message").GetProperty("message").GetProperty("notification").TryGetProperty("title", out _));
    }

    [Theory]
    [InlineData(PushPlatform.Apns, Priority.High, "10")]
    [InlineData(PushPlatform.Apns, Priority.Low, "5")]
    [InlineData(PushPlatform.ApnsSandbox, Priority.High, "10")]
    public void Should_carry_the_apns_priority_and_alert_push_type_as_attributes(PushPlatform platform, Priority priority, string expected)
    {
        var attributes = PushPayloads.Attributes(new PushMessage("arn", platform, null, "b", "e-1", priority));

        Assert.Equal(expected, attributes["AWS.SNS.MOBILE.APNS.PRIORITY"]);
        Assert.Equal("alert", attributes["AWS.SNS.MOBILE.APNS.PUSH_TYPE"]);
        Assert.Equal(2, attributes.Count);
    }
}
