using System.Text.Json.Nodes;
using Notify.Core.Events;

namespace Notify.Core.Tests.Events;

public sealed class EventSubmissionParserTests
{
    internal static readonly DateTimeOffset Now = new(2026, 4, 30, 0, 0, 0, TimeSpan.Zero);

    internal static JsonObject ValidEvent() => (JsonObject)JsonNode.Parse("""
        {
          "eventId": "evt-1:a.b_c",
          "eventType": "order.shipped",
          "userId": "user@tenant:1",
          "payload": { "orderId": "A1", "items": [ { "name": "Book", "qty": 2 } ], "total": 12.5 },
          "priority": "high",
          "channels": ["email", "sms"],
          "sendAt": "2026-05-01T10:00:00Z",
          "notAfter": "2026-05-02T10:00:00+02:00",
          "recipient": { "email": "ada@example.com", "phone": "+33612345678" }
        }
        """)!;

    [Fact]
    public void Should_return_every_field_when_the_event_is_valid()
    {
        var result = EventSubmissionParser.Parse(ValidEvent().ToElement(), Now);

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(',', e.Value)}")));
        var e = result.Value;
        Assert.Equal("evt-1:a.b_c", e.EventId);
        Assert.Equal("order.shipped", e.EventType);
        Assert.Equal("user@tenant:1", e.UserId);
        Assert.Equal("Book", e.Payload.GetProperty("items")[0].GetProperty("name").GetString());
        Assert.Equal(Priority.High, e.Priority);
        Assert.Equal([Channel.Email, Channel.Sms], e.Channels);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero), e.SendAt);
        Assert.Equal(new DateTimeOffset(2026, 5, 2, 8, 0, 0, TimeSpan.Zero), e.NotAfter);
        Assert.Equal(new Recipient("ada@example.com", "+33612345678"), e.Recipient);
    }

    [Fact]
    public void Should_accept_a_minimal_event_when_optional_fields_are_absent_or_null()
    {
        var body = """{"eventId":"e","eventType":"t","userId":"u","payload":{},"priority":null,"channels":null,"recipient":null}""";

        var result = EventSubmissionParser.Parse(TestJson.Parse(body), Now);

        Assert.True(result.IsValid);
        Assert.Null(result.Value.Priority);
        Assert.Null(result.Value.Channels);
        Assert.Null(result.Value.SendAt);
        Assert.Null(result.Value.Recipient);
    }

    [Fact]
    public void Should_keep_a_past_send_at_when_it_means_now()
    {
        var result = EventSubmissionParser.Parse(ValidEvent().With("sendAt", "2020-01-01T00:00:00Z").ToElement(), Now);

        Assert.True(result.IsValid);
        Assert.False(new AcceptedEvent(result.Value, Priority.Low, KeyMode.Live, "k", "h", Now, null, null).IsScheduled(Now));
    }

    [Fact]
    public void Should_accept_a_payload_when_it_is_exactly_at_the_depth_limit()
    {
        var result = EventSubmissionParser.Parse(ValidEvent().With("payload", TestJson.Nested(IngestionLimits.PayloadMaxDepth)).ToElement(), Now);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Should_outlive_the_request_document_when_the_payload_is_kept()
    {
        EventSubmission submission;
        using (var document = System.Text.Json.JsonDocument.Parse(ValidEvent().ToJsonString()))
        {
            submission = EventSubmissionParser.Parse(document.RootElement, Now).Value!;
        }

        Assert.Equal("A1", submission.Payload.GetProperty("orderId").GetString());
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        // field path to change, new raw JSON value ("<remove>", "<long:N>", "<depth:N>", "<bytes:N>"), expected error key
        { "eventId", "<remove>", "eventId" },
        { "eventId", "123", "eventId" },
        { "eventId", "\"\"", "eventId" },
        { "eventId", "<long:129>", "eventId" },
        { "eventId", "\"evt 1\"", "eventId" },
        { "eventId", "\"évt-1\"", "eventId" },
        { "eventId", "\"evt-1\\n\"", "eventId" },
        { "eventType", "<remove>", "eventType" },
        { "eventType", "\"-order\"", "eventType" },
        { "eventType", "<long:65>", "eventType" },
        { "eventType", "\"order/shipped\"", "eventType" },
        { "eventType", "[\"order\"]", "eventType" },
        { "userId", "<remove>", "userId" },
        { "userId", "true", "userId" },
        { "userId", "<long:129>", "userId" },
        { "userId", "\"user#1\"", "userId" },
        { "payload", "<remove>", "payload" },
        { "payload", "\"text\"", "payload" },
        { "payload", "[1, 2]", "payload" },
        { "payload", "null", "payload" },
        { "payload", "<bytes:65537>", "payload" },
        { "payload", "<depth:33>", "payload" },
        { "priority", "\"urgent\"", "priority" },
        { "priority", "\"HIGH\"", "priority" },
        { "priority", "1", "priority" },
        { "channels", "\"email\"", "channels" },
        { "channels", "[]", "channels" },
        { "channels", "[\"email\", \"fax\"]", "channels[1]" },
        { "channels", "[\"sms\", \"sms\"]", "channels[1]" },
        { "channels", "[1]", "channels[0]" },
        { "channels", "[\"email\",\"sms\",\"push\",\"in_app\",\"email\"]", "channels" },
        { "sendAt", "\"tomorrow\"", "sendAt" },
        { "sendAt", "\"2026-05-01T10:00:00\"", "sendAt" },
        { "sendAt", "\"2026-02-30T10:00:00Z\"", "sendAt" },
        { "sendAt", "1777629600", "sendAt" },
        { "sendAt", "\"2026-05-31T00:00:01Z\"", "sendAt" },
        { "notAfter", "\"2026-05-01T09:00:00Z\"", "notAfter" },
        { "notAfter", "\"2026-04-29T00:00:00Z\"", "notAfter" },
        { "recipient", "\"ada@example.com\"", "recipient" },
        { "recipient", "{}", "recipient" },
        { "recipient.phone", "\"0612345678\"", "recipient.phone" },
        { "recipient.phone", "\"+0612345678\"", "recipient.phone" },
        { "recipient.phone", "\"+33 6 12 34 56 78\"", "recipient.phone" },
        { "recipient.phone", "\"+3361234567890123\"", "recipient.phone" },
        { "recipient.phone", "33612345678", "recipient.phone" },
        { "recipient.email", "\"not-an-email\"", "recipient.email" },
        { "recipient.email", "\"Ada <ada@example.com>\"", "recipient.email" },
        { "recipient.email", "\"ada@localhost\"", "recipient.email" },
        { "recipient.email", "\"ada@@example.com\"", "recipient.email" },
        { "recipient.email", "\"ada lovelace@example.com\"", "recipient.email" },
        { "recipient.email", "\"ada@exa_mple.com\"", "recipient.email" },
        { "recipient.email", "\".ada@example.com\"", "recipient.email" },
        { "recipient.email", "<email:255>", "recipient.email" },
        { "recipient.fax", "\"+33612345678\"", "recipient.fax" },
        { "extra", "1", "extra" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Should_name_exactly_the_bad_field_when_an_event_is_malformed(string path, string value, string expectedKey)
    {
        var body = ValidEvent().With(path, Value(value));

        var result = EventSubmissionParser.Parse(body.ToElement(), Now);

        Assert.False(result.IsValid);
        Assert.Equal([expectedKey], result.Errors.Keys);
        Assert.All(result.Errors.Values, messages => Assert.NotEmpty(messages));
        Assert.Null(result.Value);
    }

    [Fact]
    public void Should_report_all_errors_at_once_when_several_fields_are_bad()
    {
        var body = ValidEvent()
            .With("eventId", null)
            .With("userId", 5)
            .With("channels", new JsonArray("email", "pigeon"))
            .With("recipient.phone", "12")
            .With("surprise", true);

        var result = EventSubmissionParser.Parse(body.ToElement(), Now);

        Assert.Equal(["channels[1]", "eventId", "recipient.phone", "surprise", "userId"], result.Errors.Keys.Order());
    }

    [Fact]
    public void Should_reject_the_body_when_it_is_not_an_object()
    {
        var result = EventSubmissionParser.Parse(TestJson.Parse("[1]"), Now);

        Assert.Equal(["$"], result.Errors.Keys);
    }

    [Fact]
    public void Should_reject_a_repeated_member_when_the_body_names_a_field_twice()
    {
        var body = """{"eventId":"a","eventId":"b","eventType":"t","userId":"u","payload":{}}""";

        var result = EventSubmissionParser.Parse(TestJson.Parse(body), Now);

        Assert.Equal(["eventId"], result.Errors.Keys);
        Assert.Contains("duplicate field", result.Errors["eventId"]);
    }

    [Fact]
    public void Should_parse_each_item_when_a_batch_mixes_valid_and_invalid_events()
    {
        var batch = new JsonObject { ["events"] = new JsonArray(ValidEvent(), ValidEvent().With("userId", null)) };

        var result = EventSubmissionParser.ParseBatch(batch.ToElement(), Now);

        Assert.True(result.IsValid);
        Assert.Equal(2, result.Value.Count);
        Assert.True(result.Value[0].IsValid);
        Assert.Equal(["userId"], result.Value[1].Errors.Keys);
    }

    [Theory]
    [InlineData("""{"events":[]}""", "events")]
    [InlineData("""{"events":{}}""", "events")]
    [InlineData("""{}""", "events")]
    [InlineData("""{"events":[{}],"more":1}""", "more")]
    [InlineData("""[]""", "$")]
    public void Should_reject_the_batch_when_its_shape_is_wrong(string body, string expectedKey)
    {
        var result = EventSubmissionParser.ParseBatch(TestJson.Parse(body), Now);

        Assert.Equal([expectedKey], result.Errors.Keys);
    }

    [Fact]
    public void Should_reject_the_batch_when_it_holds_more_than_the_limit()
    {
        var events = new JsonArray();
        for (var i = 0; i <= IngestionLimits.BatchMaxEvents; i++)
        {
            events.Add(ValidEvent().With("eventId", $"e{i}"));
        }

        var result = EventSubmissionParser.ParseBatch(new JsonObject { ["events"] = events }.ToElement(), Now);

        Assert.Equal(["events"], result.Errors.Keys);
    }

    private static JsonNode? Value(string spec)
    {
        if (spec == "<remove>")
        {
            return null;
        }

        if (spec.StartsWith("<long:", StringComparison.Ordinal))
        {
            return JsonValue.Create(new string('a', int.Parse(spec[6..^1], System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (spec.StartsWith("<depth:", StringComparison.Ordinal))
        {
            return TestJson.Nested(int.Parse(spec[7..^1], System.Globalization.CultureInfo.InvariantCulture));
        }

        if (spec.StartsWith("<bytes:", StringComparison.Ordinal))
        {
            // {"blob":"xxx..."} serializes to 11 bytes plus the string.
            var size = int.Parse(spec[7..^1], System.Globalization.CultureInfo.InvariantCulture);
            return new JsonObject { ["blob"] = new string('x', size - 11) };
        }

        if (spec.StartsWith("<email:", StringComparison.Ordinal))
        {
            var length = int.Parse(spec[7..^1], System.Globalization.CultureInfo.InvariantCulture);
            var domain = string.Join('.', Enumerable.Repeat(new string('d', 60), 4)) + ".com";
            return JsonValue.Create(new string('a', length - domain.Length - 1) + "@" + domain);
        }

        return JsonNode.Parse(spec);
    }
}
