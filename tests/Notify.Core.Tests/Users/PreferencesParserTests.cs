using Notify.Core.Events;
using Notify.Core.Users;

namespace Notify.Core.Tests.Users;

public sealed class PreferencesParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 4, 30, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Should_build_preferences_when_the_body_is_valid()
    {
        var body = """
            {
              "channels": { "email": true, "sms": false },
              "eventTypes": { "order.shipped": { "sms": true, "push": false } },
              "quietHours": { "start": "22:00", "end": "07:30", "timeZone": "Europe/Paris" }
            }
            """;

        var result = PreferencesParser.Parse(TestJson.Parse(body), Now);

        Assert.True(result.IsValid);
        var p = result.Value;
        Assert.False(p.IsDefault);
        Assert.Equal(Now, p.UpdatedAt);
        Assert.False(p.Allows("invoice.paid", Channel.Sms));
        Assert.True(p.Allows("order.shipped", Channel.Sms));
        Assert.False(p.Allows("order.shipped", Channel.Push));
        Assert.True(p.Allows("invoice.paid", Channel.InApp));
        Assert.Equal(new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 30), "Europe/Paris"), p.QuietHours);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"quietHours":null}""")]
    public void Should_enable_everything_without_quiet_hours_when_nothing_is_set(string body)
    {
        var result = PreferencesParser.Parse(TestJson.Parse(body), Now);

        Assert.True(result.IsValid);
        Assert.Null(result.Value.QuietHours);
        Assert.All(Enum.GetValues<Channel>(), c => Assert.True(result.Value.Allows("any", c)));
    }

    [Theory]
    [InlineData("""{"channels":{"fax":true}}""", "channels.fax")]
    [InlineData("""{"channels":{"sms":"no"}}""", "channels.sms")]
    [InlineData("""{"channels":["email"]}""", "channels")]
    [InlineData("""{"eventTypes":{"-bad":{"sms":false}}}""", "eventTypes.-bad")]
    [InlineData("""{"eventTypes":{"order.shipped":{"pigeon":false}}}""", "eventTypes.order.shipped.pigeon")]
    [InlineData("""{"eventTypes":{"order.shipped":true}}""", "eventTypes.order.shipped")]
    [InlineData("""{"eventTypes":[]}""", "eventTypes")]
    [InlineData("""{"quietHours":{"start":"22:00","end":"07:00","timeZone":"Mars/Olympus"}}""", "quietHours.timeZone")]
    [InlineData("""{"quietHours":{"start":"22:00","end":"07:00","timeZone":"Romance Standard Time"}}""", "quietHours.timeZone")]
    [InlineData("""{"quietHours":{"start":"22:00","end":"07:00","timeZone":"europe/paris"}}""", "quietHours.timeZone")]
    [InlineData("""{"quietHours":{"start":"22:00","end":"07:00","timeZone":"../../etc/passwd"}}""", "quietHours.timeZone")]
    [InlineData("""{"quietHours":{"start":"22:00","end":"07:00"}}""", "quietHours.timeZone")]
    [InlineData("""{"quietHours":{"start":"24:00","end":"07:00","timeZone":"UTC"}}""", "quietHours.start")]
    [InlineData("""{"quietHours":{"start":"22:00","end":"7:00","timeZone":"UTC"}}""", "quietHours.end")]
    [InlineData("""{"quietHours":{"start":"22:00","end":"22:00","timeZone":"UTC"}}""", "quietHours.end")]
    [InlineData("""{"quietHours":{"start":"22:00","end":"07:00","timeZone":"UTC","days":[]}}""", "quietHours.days")]
    [InlineData("""{"quietHours":"22-07"}""", "quietHours")]
    [InlineData("""{"channel":{}}""", "channel")]
    public void Should_name_the_bad_field_when_preferences_are_malformed(string body, string expectedKey)
    {
        var result = PreferencesParser.Parse(TestJson.Parse(body), Now);

        Assert.Equal([expectedKey], result.Errors.Keys);
    }
}
