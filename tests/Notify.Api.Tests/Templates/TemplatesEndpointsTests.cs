using System.Net;
using Notify.Api.Tests.Fixtures;

namespace Notify.Api.Tests.Templates;

public sealed class TemplatesEndpointsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Should_create_replace_read_list_and_delete_a_template()
    {
        using var client = api.CreateClient();
        var eventType = $"order.shipped.{Guid.NewGuid():N}"[..40];
        var path = $"/api/templates/{eventType}/email/en";

        using var created = await client.PutJsonAsync(path, """{ "subject": "Order {{orderId}} shipped", "text": "Hi {{name}}" }""");
        using var replaced = await client.PutJsonAsync(path, """{ "subject": "Order {{orderId}} is on its way", "html": "<p>Hi {{name}}</p>" }""");
        using var read = await client.GetAsync(path);
        using var listed = await client.GetAsync("/api/templates");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(path, created.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var template = await read.JsonAsync();
        Assert.Equal("Order {{orderId}} is on its way", template.GetProperty("subject").GetString());
        Assert.Equal("<p>Hi {{name}}</p>", template.GetProperty("html").GetString());
        Assert.False(template.TryGetProperty("text", out _));
        Assert.Contains((await listed.JsonAsync()).GetProperty("items").EnumerateArray(), t => t.GetProperty("eventType").GetString() == eventType);

        using var deleted = await client.DeleteAsync(path);
        using var gone = await client.GetAsync(path);
        using var deletedAgain = await client.DeleteAsync(path);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await gone.AssertProblemAsync(HttpStatusCode.NotFound);
        await deletedAgain.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_answer_400_with_the_part_and_line_and_store_nothing_when_a_template_does_not_compile()
    {
        using var client = api.CreateClient();
        var path = $"/api/templates/broken.{Guid.NewGuid():N}/email/en";

        using var response = await client.PutJsonAsync(path, """{ "subject": "ok", "text": "line one\nline two {{#if x}}\nline three" }""");

        var messages = await response.AssertFieldErrorAsync("text");
        Assert.Contains(messages, m => m.Contains("line 2", StringComparison.Ordinal));
        using var read = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Theory]
    [InlineData("/api/templates/order.shipped/fax/en", """{ "body": "x" }""", "channel")]
    [InlineData("/api/templates/order.shipped/sms/en", """{ "subject": "x", "body": "y" }""", "subject")]
    [InlineData("/api/templates/order.shipped/sms/en", """{ }""", "body")]
    [InlineData("/api/templates/order.shipped/sms/english", """{ "body": "x" }""", "locale")]
    [InlineData("/api/templates/order.shipped/sms/en", """{ "body": "x", "channel": "push" }""", "channel")]
    [InlineData("/api/templates/order.shipped/sms/en", """{ "body": "x", "footer": "y" }""", "footer")]
    public async Task Should_answer_400_naming_the_field_when_a_template_is_invalid(string path, string body, string field)
    {
        using var client = api.CreateClient();

        using var response = await client.PutJsonAsync(path, body);

        await response.AssertFieldErrorAsync(field);
    }

    [Fact]
    public async Task Should_render_a_preview_with_html_escaped_only_in_the_html_part()
    {
        using var client = api.CreateClient();

        using var response = await client.PostJsonAsync("/api/templates/preview", """
            {
              "eventType": "order.shipped", "channel": "email", "locale": "en",
              "subject": "Order {{orderId}} for {{name}}",
              "text": "Hi {{name}}",
              "html": "<p>Hi {{name}}</p>",
              "payload": { "orderId": "8412", "name": "Ada <script>" }
            }
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("Order 8412 for Ada <script>", body.GetProperty("subject").GetString());
        Assert.Equal("Hi Ada <script>", body.GetProperty("text").GetString());
        Assert.Equal("<p>Hi Ada &lt;script&gt;</p>", body.GetProperty("html").GetString());
    }

    [Fact]
    public async Task Should_answer_400_naming_the_part_when_a_preview_does_not_compile()
    {
        using var client = api.CreateClient();

        using var response = await client.PostJsonAsync("/api/templates/preview",
            """{ "eventType": "order.shipped", "channel": "sms", "locale": "en", "body": "{{#each}", "payload": {} }""");

        await response.AssertFieldErrorAsync("body");
    }

    [Fact]
    public async Task Should_answer_422_when_a_preview_renders_empty()
    {
        using var client = api.CreateClient();

        using var response = await client.PostJsonAsync("/api/templates/preview",
            """{ "eventType": "order.shipped", "channel": "sms", "locale": "en", "body": "{{missing}}", "payload": {} }""");

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
    }
}
