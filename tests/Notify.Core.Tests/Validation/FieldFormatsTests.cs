using Notify.Core.Validation;

namespace Notify.Core.Tests.Validation;

public sealed class FieldFormatsTests
{
    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("first.last+tag@sub.example.co.uk")]
    [InlineData("o'brien@example.ie")]
    [InlineData("x@xn--80ak6aa92e.com")]
    public void Should_accept_an_email_when_it_is_a_plain_addr_spec(string email)
    {
        Assert.True(FieldFormats.IsEmail(email));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ada")]
    [InlineData("@example.com")]
    [InlineData("ada@")]
    [InlineData("ada@example")]
    [InlineData("ada@example.123")]
    [InlineData("ada@-example.com")]
    [InlineData("ada.@example.com")]
    [InlineData("a..b@example.com")]
    [InlineData("\"ada\"@example.com")]
    [InlineData("ada@example.com ")]
    [InlineData("ada@example.com\n")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("ada@[127.0.0.1]")]
    [InlineData("adà@example.com")]
    public void Should_reject_an_email_when_it_is_not_a_plain_addr_spec(string email)
    {
        Assert.False(FieldFormats.IsEmail(email));
    }

    [Fact]
    public void Should_accept_an_email_when_it_is_exactly_the_maximum_length()
    {
        var domain = string.Join('.', Enumerable.Repeat(new string('d', 60), 4)) + ".com";
        var email = new string('a', IngestionLimits.EmailMaxLength - domain.Length - 1) + "@" + domain;

        Assert.Equal(254, email.Length);
        Assert.True(FieldFormats.IsEmail(email));
    }

    [Theory]
    [InlineData("+33612345678", true)]
    [InlineData("+1234567", true)]
    [InlineData("+123456789012345", true)]
    [InlineData("+123456", false)]
    [InlineData("+1234567890123456", false)]
    [InlineData("33612345678", false)]
    [InlineData("+33612345678\n", false)]
    [InlineData("+٣٣٦١٢٣٤٥٦٧٨", false)]
    public void Should_apply_e164_when_checking_phones(string phone, bool valid)
    {
        Assert.Equal(valid, FieldFormats.IsPhone(phone));
    }

    [Theory]
    [InlineData("Europe/Paris", true)]
    [InlineData("America/Argentina/Buenos_Aires", true)]
    [InlineData("UTC", true)]
    [InlineData("Etc/GMT+5", true)]
    [InlineData("Romance Standard Time", false)]
    [InlineData("W. Europe Standard Time", false)]
    [InlineData("UTC-11", false)]
    [InlineData("utc", false)]
    [InlineData("europe/paris", false)]
    [InlineData("Europe/Atlantis", false)]
    [InlineData("", false)]
    [InlineData("/etc/passwd", false)]
    public void Should_accept_only_iana_ids_when_checking_time_zones(string id, bool valid)
    {
        Assert.Equal(valid, FieldFormats.IsTimeZone(id));
    }

    [Theory]
    [InlineData("fr-ca", "fr-CA")]
    [InlineData("ZH-HANT-tw", "zh-Hant-TW")]
    [InlineData("es-419", "es-419")]
    [InlineData("EN", "en")]
    public void Should_use_canonical_casing_when_normalizing_locales(string locale, string expected)
    {
        Assert.True(FieldFormats.IsLocale(locale));
        Assert.Equal(expected, FieldFormats.NormalizeLocale(locale));
    }

    [Theory]
    [InlineData("2026-05-01T10:00:00Z", true)]
    [InlineData("2026-05-01T10:00Z", true)]
    [InlineData("2026-05-01T10:00:00.1234567+05:30", true)]
    [InlineData("2026-05-01t10:00:00z", true)]
    [InlineData("2026-05-01T10:00:00", false)]
    [InlineData("2026-05-01", false)]
    [InlineData("05/01/2026 10:00 +00:00", false)]
    [InlineData("2026-13-01T10:00:00Z", false)]
    public void Should_require_an_offset_when_parsing_timestamps(string value, bool valid)
    {
        Assert.Equal(valid, FieldFormats.TryParseTimestamp(value, out _));
    }
}
