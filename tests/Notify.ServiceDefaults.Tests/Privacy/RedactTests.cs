using Notify.ServiceDefaults.Privacy;

namespace Notify.ServiceDefaults.Tests.Privacy;

public sealed class RedactTests
{
    [Theory]
    [InlineData("ada@example.com", "a***@example.com")]
    [InlineData("grace.hopper@navy.mil", "g***@navy.mil")]
    [InlineData("x@y.io", "x***@y.io")]
    [InlineData("\"a@b\"@example.com", "\"***@example.com")]
    [InlineData("no-at-sign", "***")]
    [InlineData("@example.com", "***")]
    [InlineData("ada@", "***")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Should_keep_the_first_character_and_the_domain_when_masking_an_email(string? email, string expected) =>
        Assert.Equal(expected, Redact.Email(email));

    [Theory]
    [InlineData("+447700900123", "+44*******23")]
    [InlineData("+1 (415) 555-0100", "+14*******00")]
    [InlineData("07700900123", "07*******23")]
    [InlineData("+12345", "*******")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Should_keep_the_country_prefix_and_last_two_digits_when_masking_a_phone_number(string? phone, string expected) =>
        Assert.Equal(expected, Redact.Phone(phone));

    [Theory]
    [InlineData("ada@example.com", "a***@example.com")]
    [InlineData("+447700900123", "+44*******23")]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/app/abc", "***")]
    public void Should_mask_by_kind_when_masking_a_recipient_of_any_channel(string recipient, string expected) =>
        Assert.Equal(expected, Redact.Recipient(recipient));

    [Fact]
    public void Should_not_reveal_the_local_part_length_when_masking_emails_of_different_lengths() =>
        Assert.Equal(Redact.Email("a@example.com").Length, Redact.Email("abcdefghijklmnop@example.com").Length);
}
