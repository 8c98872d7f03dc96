using Notify.Core.Users;

namespace Notify.Core.Tests.Users;

public sealed class ContactParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 4, 30, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Should_build_a_contact_with_a_canonical_locale_when_valid()
    {
        var body = """{"email":"ada@example.com","phone":"+14155550123","locale":"fr-ca","timeZone":"America/Toronto"}""";

        var result = ContactParser.Parse(TestJson.Parse(body), Now);

        Assert.True(result.IsValid);
        Assert.Equal(new Contact("ada@example.com", "+14155550123", "fr-CA", "America/Toronto", Now), result.Value);
    }

    [Fact]
    public void Should_accept_a_single_field_when_the_others_are_absent()
    {
        var result = ContactParser.Parse(TestJson.Parse("""{"phone":"+447700900123"}"""), Now);

        Assert.True(result.IsValid);
        Assert.Null(result.Value.Email);
    }

    [Theory]
    [InlineData("{}", "$")]
    [InlineData("""{"email":null}""", "$")]
    [InlineData("\"ada@example.com\"", "$")]
    [InlineData("""{"email":"ada@example"}""", "email")]
    [InlineData("""{"email":42}""", "email")]
    [InlineData("""{"phone":"+1 415 555 0123"}""", "phone")]
    [InlineData("""{"locale":"french"}""", "locale")]
    [InlineData("""{"locale":"fr_CA"}""", "locale")]
    [InlineData("""{"timeZone":"Nowhere/City"}""", "timeZone")]
    [InlineData("""{"timeZone":"Pacific Standard Time"}""", "timeZone")]
    [InlineData("""{"timeZone":"Europe/Paris","fax":"1"}""", "fax")]
    public void Should_name_the_bad_field_when_the_contact_is_malformed(string body, string expectedKey)
    {
        var result = ContactParser.Parse(TestJson.Parse(body), Now);

        Assert.Equal([expectedKey], result.Errors.Keys);
    }
}
