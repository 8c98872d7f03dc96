using System.Text.Json.Nodes;
using Notify.Core.Events;

namespace Notify.Core.Tests.Events;

public sealed class EventFingerprintTests
{
    private static string Fingerprint(string json) =>
        EventFingerprint.Compute(EventSubmissionParser.Parse(TestJson.Parse(json), EventSubmissionParserTests.Now).Value!);

    private static string Fingerprint(JsonObject body) => Fingerprint(body.ToJsonString());

    [Fact]
    public void Should_be_a_sha256_hex_string_when_computed()
    {
        Assert.Matches("^[0-9a-f]{64}$", Fingerprint(EventSubmissionParserTests.ValidEvent()));
    }

    [Fact]
    public void Should_not_change_when_members_are_reordered_and_whitespace_differs()
    {
        var compact = """{"eventId":"e1","eventType":"t","userId":"u","payload":{"a":1,"b":{"x":[1,{"k":"v","j":null}],"y":true}},"channels":["email","sms"],"sendAt":"2026-05-01T10:00:00Z","recipient":{"email":"a@example.com","phone":"+33612345678"}}""";
        var shuffled = """
            {
              "recipient" : { "phone" : "+33612345678", "email" : "a@example.com" },
              "payload" : { "b" : { "y" : true, "x" : [ 1, { "j" : null, "k" : "\u0076" } ] }, "a" : 1 },
              "sendAt" : "2026-05-01T12:00:00+02:00",
              "channels" : [ "sms", "email" ],
              "userId" : "u", "eventType" : "t", "eventId" : "e1",
              "priority" : null
            }
            """;

        Assert.Equal(Fingerprint(compact), Fingerprint(shuffled));
    }

    public static TheoryData<string, string> Changes => new()
    {
        { "eventId", "\"evt-2\"" },
        { "eventType", "\"order.delivered\"" },
        { "userId", "\"user-2\"" },
        { "payload", "{\"orderId\":\"A2\",\"items\":[{\"name\":\"Book\",\"qty\":2}],\"total\":12.5}" },
        { "payload", "{\"orderId\":\"A1\",\"items\":[{\"name\":\"Book\",\"qty\":3}],\"total\":12.5}" },
        { "payload", "{\"orderId\":\"A1\",\"items\":[{\"name\":\"Book\",\"qty\":2}],\"total\":12.5,\"extra\":null}" },
        { "payload", "{\"orderId\":\"A1\",\"items\":[{\"name\":\"Book\",\"qty\":\"2\"}],\"total\":12.5}" },
        { "payload", "{\"orderId\":\"A1\",\"items\":[{\"name\":\"Book\",\"qty\":2},{}],\"total\":12.5}" },
        { "priority", "\"low\"" },
        { "priority", "<remove>" },
        { "channels", "[\"email\"]" },
        { "channels", "<remove>" },
        { "sendAt", "\"2026-05-01T10:00:01Z\"" },
        { "notAfter", "\"2026-05-03T10:00:00Z\"" },
        { "recipient.email", "\"bob@example.com\"" },
        { "recipient.phone", "\"+33612345679\"" },
        { "recipient.phone", "<remove>" },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Should_change_when_any_value_changes(string path, string value)
    {
        var original = Fingerprint(EventSubmissionParserTests.ValidEvent());
        var changed = EventSubmissionParserTests.ValidEvent().With(path, value == "<remove>" ? null : JsonNode.Parse(value));

        Assert.NotEqual(original, Fingerprint(changed));
    }

    [Fact]
    public void Should_change_when_payload_array_items_are_reordered()
    {
        var a = EventSubmissionParserTests.ValidEvent().With("payload", JsonNode.Parse("""{"list":[1,2]}"""));
        var b = EventSubmissionParserTests.ValidEvent().With("payload", JsonNode.Parse("""{"list":[2,1]}"""));

        Assert.NotEqual(Fingerprint(a), Fingerprint(b));
    }
}
