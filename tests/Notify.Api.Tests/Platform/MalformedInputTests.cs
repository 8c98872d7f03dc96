using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Notify.Api.Tests.Dashboard;
using Notify.Api.Tests.Fixtures;

namespace Notify.Api.Tests.Platform;

/// <summary>
/// Bodies the end-to-end fuzzer (tests/Notify.EndToEnd/Faults) found answered with a 500, each now a 4xx problem naming
/// what is wrong: strings that are not Unicode text, the two typed bodies that skipped the size limit and the duplicate
/// check, and login forms that cannot be read.
/// </summary>
public sealed class MalformedInputTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    // Raw bytes that are not UTF-8 inside a string: C3 28 (a lead byte without its continuation), ED A0 80 (an encoded surrogate).
    [InlineData(new byte[] { 0xC3, 0x28 }, "eventId")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "eventId")]
    public async Task Should_answer_400_naming_the_field_when_a_string_is_not_utf8(byte[] bad, string field)
    {
        using var client = api.CreateClient();
        var body = Encoding.UTF8.GetBytes("{\"eventId\":\"x").Concat(bad).Concat(Encoding.UTF8.GetBytes("\",\"eventType\":\"order.shipped\",\"userId\":\"u1\",\"payload\":{}}")).ToArray();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("/api/events", content, TestContext.Current.CancellationToken);

        var messages = await response.AssertFieldErrorAsync(field);
        Assert.Contains(messages, m => m.Contains("UTF-8", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/api/events", """{"eventId":"x","eventType":"a","userId":"u","payload":{},"recipient":{"email":"\udc00@example.com"}}""", "recipient.email")]
    [InlineData("/api/events", """{"eventId":"x","eventType":"a","userId":"u","payload":{"\ud800":1}}""", "payload")]
    [InlineData("/api/keys", """{"name":"\ud800","scopes":["send"],"mode":"live"}""", "name")]
    public async Task Should_answer_400_naming_the_field_when_a_string_escapes_a_lone_surrogate(string path, string body, string field)
    {
        using var client = api.CreateClient();

        using var response = await client.PostJsonAsync(path, body);

        await response.AssertFieldErrorAsync(field);
    }

    [Theory]
    [InlineData("PUT", "/api/users/u1/contact", """{"email":"\ud800@example.com"}""", "email")]
    [InlineData("PUT", "/api/templates/order.shipped/sms/en", """{"body":"\ud800"}""", "body")]
    public async Task Should_answer_400_for_a_lone_surrogate_on_every_endpoint_that_reads_json(string method, string path, string body, string field)
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = HttpJson.Json(body) };

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await response.AssertFieldErrorAsync(field);
    }

    [Fact]
    public async Task Should_accept_a_surrogate_pair_escape_as_the_character_it_encodes()
    {
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();

        using var response = await client.PostJsonAsync("/api/events", HttpJson.Event(eventId, extra: "\"recipient\":{\"email\":\"ada@example.com\"}").Replace("\"8412\"", "\"\\ud83d\\ude00\"", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var stored = await client.GetAsync($"/api/events/{eventId}");
        Assert.Equal("😀", (await stored.JsonAsync()).GetProperty("payload").GetProperty("orderId").GetString());
    }

    [Theory]
    [InlineData("POST", "/api/dead-letters/redrive", """{"ids":["a"],"ids":["b"]}""", "ids")]
    [InlineData("PATCH", "/api/users/u1/notifications/evt-1:in_app", """{"read":true,"read":false}""", "read")]
    public async Task Should_answer_400_naming_a_repeated_field_in_a_typed_body(string method, string path, string body, string field)
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = HttpJson.Json(body) };

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await response.AssertFieldErrorAsync(field);
    }

    [Theory]
    [InlineData("POST", "/api/dead-letters/redrive")]
    [InlineData("PATCH", "/api/users/u1/notifications/evt-1:in_app")]
    public async Task Should_answer_413_when_a_typed_body_exceeds_256_KiB(string method, string path)
    {
        using var client = api.CreateClient();
        // Valid JSON, chunked (no Content-Length): the limit holds while reading, behind any server.
        var body = "{\"ids\":[\"" + new string('a', 300 * 1024) + "\"]}";
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Should_still_redrive_everything_when_the_redrive_request_has_no_body()
    {
        using var client = api.CreateClient();

        using var response = await client.PostAsync("/api/dead-letters/redrive", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.JsonAsync()).TryGetProperty("redriven", out _));
    }

    [Theory]
    [InlineData("application/xml", "GET", "/api/keys", null, HttpStatusCode.Unauthorized)]
    [InlineData("text/html", "GET", "/api/fz-no-such-route", ApiFixture.AdminKey, HttpStatusCode.NotFound)]
    [InlineData("application/problem+xml", "POST", "/api/events", ApiFixture.AdminKey, HttpStatusCode.BadRequest)]
    [InlineData("image/png", "GET", "/api/events?limit=many", ApiFixture.AdminKey, HttpStatusCode.BadRequest)]
    [InlineData("application/xml", "GET", "/dashboard/api/lanes", null, HttpStatusCode.Unauthorized)]
    public async Task Should_answer_problem_json_whatever_the_accept_header_asks_for(string accept, string method, string path, string? key, HttpStatusCode status)
    {
        using var client = api.CreateClient(key);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        request.Headers.Add("X-Notify-Dashboard", "1");
        if (method == "POST")
        {
            request.Content = HttpJson.Json("{ not json");
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(status);
        Assert.True(problem.TryGetProperty("traceId", out _), problem.ToString());
    }

    [Theory]
    [InlineData("nit1.forged.token")]
    [InlineData("nit1.e30.!!!!")]
    [InlineData("nit1.e30.AAAA")]
    public async Task Should_answer_401_problem_when_an_inbox_token_is_forged(string token)
    {
        using var client = api.CreateClient(token);

        using var response = await client.GetAsync("/api/users/u1/notifications");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Should_answer_400_problem_when_the_login_form_is_a_broken_multipart_body()
    {
        using var browser = DashboardBrowser.Open(api);
        using var content = new StringContent("key=abc", Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=zz");

        using var response = await browser.Client.PostAsync("/dashboard/login", content, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Null(browser.SessionSetCookie);
    }

    [Fact]
    public async Task Should_answer_400_problem_when_a_login_form_field_name_is_beyond_the_form_limits()
    {
        using var browser = DashboardBrowser.Open(api);
        using var content = new StringContent(new string('k', 5000) + "=1", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await browser.Client.PostAsync("/dashboard/login", content, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
