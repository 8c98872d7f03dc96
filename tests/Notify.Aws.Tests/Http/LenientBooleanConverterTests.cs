using System.Text.Json;
using Notify.Aws.Http;

namespace Notify.Aws.Tests.Http;

/// <summary>The one converter behind SQS's <c>SenderFault</c> (bool) and SES v2's <c>SendingEnabled</c> (bool?).</summary>
public sealed class LenientBooleanConverterTests
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new LenientBooleanConverter() } };

    [Fact]
    public void Should_read_json_and_string_booleans_and_fail_otherwise_when_the_member_is_required()
    {
        Assert.Equal(
            [true, false, true, false],
            new[] { "true", "false", "\"true\"", "\"False\"" }.Select(json => JsonSerializer.Deserialize<bool>(json, Options)));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<bool>("{}", Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<bool>("\"yes\"", Options));
    }

    [Fact]
    public void Should_read_anything_but_a_boolean_as_unknown_when_the_member_is_optional()
    {
        Assert.Equal(
            [true, false, true, null, null, null, null],
            new[] { "true", "false", "\"true\"", "\"yes\"", "{\"a\":[1]}", "[true]", "null" }.Select(json => JsonSerializer.Deserialize<bool?>(json, Options)));
        Assert.Equal("""{"A":true,"B":null}""", JsonSerializer.Serialize(new { A = (bool?)true, B = (bool?)null }, Options));
    }
}
