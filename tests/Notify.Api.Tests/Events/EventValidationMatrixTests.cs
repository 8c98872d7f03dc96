using System.Net;
using Notify.Api.Tests.Fixtures;
using Notify.Core.Events;

namespace Notify.Api.Tests.Events;

/// <summary>
/// Malformed events through HTTP: each answered 4xx naming the field, and nothing stored (the eventId reads 404)
/// nor queued (no lane message carries it).
/// </summary>
public sealed class EventValidationMatrixTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Valid = """ "eventType":"order.shipped","userId":"user-1","payload":{"a":1} """;

    private static readonly string Future = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string Later = DateTimeOffset.UtcNow.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string TooFar = DateTimeOffset.UtcNow.AddDays(40).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Case name, body (<c>{id}</c> is replaced by a fresh eventId), the field the answer must name.</summary>
    public static TheoryData<string, string, string> Cases() => new()
    {
        { "eventId missing", """{ "eventType":"order.shipped","userId":"user-1","payload":{} }""", "eventId" },
        { "eventId a number", """{ "eventId":42, "eventType":"order.shipped","userId":"user-1","payload":{} }""", "eventId" },
        { "eventId empty", """{ "eventId":"", "eventType":"order.shipped","userId":"user-1","payload":{} }""", "eventId" },
        { "eventId 129 characters", $$"""{ "eventId":"{{new string('e', 129)}}", {{Valid}} }""", "eventId" },
        { "eventId with a slash", """{ "eventId":"{id}/x", "eventType":"order.shipped","userId":"user-1","payload":{} }""", "eventId" },
        { "eventId with a space", """{ "eventId":"{id} x", "eventType":"order.shipped","userId":"user-1","payload":{} }""", "eventId" },
        { "eventType missing", """{ "eventId":"{id}","userId":"user-1","payload":{} }""", "eventType" },
        { "eventType a boolean", """{ "eventId":"{id}","eventType":true,"userId":"user-1","payload":{} }""", "eventType" },
        { "eventType starting with a dot", """{ "eventId":"{id}","eventType":".shipped","userId":"user-1","payload":{} }""", "eventType" },
        { "eventType 65 characters", $$"""{ "eventId":"{id}","eventType":"{{new string('t', 65)}}","userId":"user-1","payload":{} }""", "eventType" },
        { "userId missing", """{ "eventId":"{id}","eventType":"order.shipped","payload":{} }""", "userId" },
        { "userId null", """{ "eventId":"{id}","eventType":"order.shipped","userId":null,"payload":{} }""", "userId" },
        { "userId 129 characters", $$"""{ "eventId":"{id}","eventType":"order.shipped","userId":"{{new string('u', 129)}}","payload":{} }""", "userId" },
        { "userId with a hash", """{ "eventId":"{id}","eventType":"order.shipped","userId":"USR#1","payload":{} }""", "userId" },
        { "payload missing", """{ "eventId":"{id}","eventType":"order.shipped","userId":"user-1" }""", "payload" },
        { "payload a string", """{ "eventId":"{id}","eventType":"order.shipped","userId":"user-1","payload":"hello" }""", "payload" },
        { "payload an array", """{ "eventId":"{id}","eventType":"order.shipped","userId":"user-1","payload":[1,2] }""", "payload" },
        { "payload over 64 KiB", $$"""{ "eventId":"{id}","eventType":"order.shipped","userId":"user-1","payload":{"blob":"{{new string('p', 70 * 1024)}}"} }""", "payload" },
        { "payload nested 40 deep", $$"""{ "eventId":"{id}","eventType":"order.shipped","userId":"user-1","payload":{{string.Concat(Enumerable.Repeat("{\"a\":", 40))}}1{{new string('}', 40)}} }""", "payload" },
        { "priority unknown", $$"""{ "eventId":"{id}", {{Valid}}, "priority":"urgent" }""", "priority" },
        { "priority a number", $$"""{ "eventId":"{id}", {{Valid}}, "priority":1 }""", "priority" },
        { "channels a string", $$"""{ "eventId":"{id}", {{Valid}}, "channels":"email" }""", "channels" },
        { "channels empty", $$"""{ "eventId":"{id}", {{Valid}}, "channels":[] }""", "channels" },
        { "channel unknown", $$"""{ "eventId":"{id}", {{Valid}}, "channels":["fax"] }""", "channels[0]" },
        { "channel repeated", $$"""{ "eventId":"{id}", {{Valid}}, "channels":["email","email"] }""", "channels[1]" },
        { "sendAt not a date", $$"""{ "eventId":"{id}", {{Valid}}, "sendAt":"tomorrow" }""", "sendAt" },
        { "sendAt without offset", $$"""{ "eventId":"{id}", {{Valid}}, "sendAt":"2026-05-01T09:30:00" }""", "sendAt" },
        { "sendAt 40 days ahead", $$"""{ "eventId":"{id}", {{Valid}}, "sendAt":"{{TooFar}}" }""", "sendAt" },
        { "notAfter in the past", $$"""{ "eventId":"{id}", {{Valid}}, "notAfter":"2020-01-01T00:00:00Z" }""", "notAfter" },
        { "notAfter before sendAt", $$"""{ "eventId":"{id}", {{Valid}}, "sendAt":"{{Later}}", "notAfter":"{{Future}}" }""", "notAfter" },
        { "email without a domain", $$"""{ "eventId":"{id}", {{Valid}}, "recipient":{"email":"ada"} }""", "recipient.email" },
        { "email with a display name", $$"""{ "eventId":"{id}", {{Valid}}, "recipient":{"email":"Ada <ada@example.com>"} }""", "recipient.email" },
        { "email 255 characters", $$"""{ "eventId":"{id}", {{Valid}}, "recipient":{"email":"{{new string('a', 243)}}@example.com"} }""", "recipient.email" },
        { "phone not E.164", $$"""{ "eventId":"{id}", {{Valid}}, "recipient":{"phone":"0612345678"} }""", "recipient.phone" },
        { "phone with spaces", $$"""{ "eventId":"{id}", {{Valid}}, "recipient":{"phone":"+1 555 0100"} }""", "recipient.phone" },
        { "phone a number", $$"""{ "eventId":"{id}", {{Valid}}, "recipient":{"phone":33612345678} }""", "recipient.phone" },
        { "recipient empty", $$"""{ "eventId":"{id}", {{Valid}}, "recipient":{} }""", "recipient" },
        { "recipient unknown field", $$"""{ "eventId":"{id}", {{Valid}}, "recipient":{"email":"ada@example.com","fax":"1"} }""", "recipient.fax" },
        { "unknown top-level field", $$"""{ "eventId":"{id}", {{Valid}}, "colour":"blue" }""", "colour" },
        { "body an array", """[{ "eventId":"{id}" }]""", "$" },
        { "body not JSON", """{ "eventId":"{id}", "eventType": """, "$" },
        { "payload member twice", $$"""{ "eventId":"{id}","eventType":"order.shipped","userId":"user-1","payload":{"amount":1,"amount":1000} }""", "payload.amount" },
        { "eventId twice", $$"""{ "eventId":"{id}", {{Valid}}, "eventId":"{id}-other" }""", "eventId" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Should_answer_400_naming_the_field_and_store_nothing_when_the_event_is_malformed(string name, string body, string field)
    {
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId("bad");

        using var response = await client.PostJsonAsync("/api/events", body.Replace("{id}", eventId, StringComparison.Ordinal));

        var messages = await response.AssertFieldErrorAsync(field);
        Assert.All(messages, m => Assert.False(string.IsNullOrWhiteSpace(m), name));
        using var stored = await client.GetAsync($"/api/events/{eventId}");
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
        var onLane = await api.DrainEventAsync(eventId);
        Assert.Empty(onLane[Priority.High]);
        Assert.Empty(onLane[Priority.Low]);
    }

    [Fact]
    public async Task Should_name_every_bad_field_at_once_when_several_are_wrong()
    {
        using var client = api.CreateClient();

        using var response = await client.PostJsonAsync("/api/events",
            """{ "eventId":"", "eventType":7, "userId":"a b", "payload":[], "priority":"soon", "recipient":{"phone":"12"} }""");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var named = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "eventId", "eventType", "userId", "payload", "priority", "recipient.phone" }, named);
    }
}
