using System.Text.Json.Nodes;
using Notify.Core.Events;
using Notify.Core.Templates;

namespace Notify.Core.Tests.Templates;

public sealed class TemplateParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 4, 30, 0, 0, 0, TimeSpan.Zero);

    private static JsonObject EmailBody() => new()
    {
        ["eventType"] = "order.shipped",
        ["channel"] = "email",
        ["locale"] = "en-us",
        ["subject"] = "Order {{order.id}} shipped",
        ["text"] = "Hi {{name}}",
        ["html"] = "<p>Hi {{name}}</p>",
    };

    [Fact]
    public void Should_build_the_template_when_an_email_body_is_valid()
    {
        var result = TemplateParser.Parse(EmailBody().ToElement(), Now);

        Assert.True(result.IsValid);
        Assert.Equal(new Template("order.shipped", Channel.Email, "en-US", "Order {{order.id}} shipped", "Hi {{name}}", "<p>Hi {{name}}</p>", null, null, Now), result.Value);
    }

    [Theory]
    [InlineData("""{"eventType":"t","channel":"sms","locale":"en","body":"Code {{code}}"}""")]
    [InlineData("""{"eventType":"t","channel":"push","locale":"en","title":"New"}""")]
    [InlineData("""{"eventType":"t","channel":"push","locale":"en","body":"New"}""")]
    [InlineData("""{"eventType":"t","channel":"in_app","locale":"en","title":"T","body":"B"}""")]
    [InlineData("""{"eventType":"t","channel":"email","locale":"en","subject":"S","html":"<p/>"}""")]
    public void Should_accept_the_parts_each_channel_needs_when_present(string body)
    {
        Assert.True(TemplateParser.Parse(TestJson.Parse(body), Now).IsValid);
    }

    [Theory]
    [InlineData("""{"eventType":"t","channel":"email","locale":"en","text":"x"}""", "subject")]
    [InlineData("""{"eventType":"t","channel":"email","locale":"en","subject":"s","body":"x","text":"x"}""", "body")]
    [InlineData("""{"eventType":"t","channel":"sms","locale":"en","subject":"s","body":"x"}""", "subject")]
    [InlineData("""{"eventType":"t","channel":"sms","locale":"en"}""", "body")]
    [InlineData("""{"eventType":"t","channel":"in_app","locale":"en","title":"x"}""", "body")]
    [InlineData("""{"eventType":"t","channel":"push","locale":"en","html":"x","body":"b"}""", "html")]
    [InlineData("""{"eventType":"t","channel":"fax","locale":"en","body":"x"}""", "channel")]
    [InlineData("""{"channel":"sms","locale":"en","body":"x"}""", "eventType")]
    [InlineData("""{"eventType":"t","channel":"sms","locale":"english","body":"x"}""", "locale")]
    [InlineData("""{"eventType":"t","channel":"sms","locale":"en","body":""}""", "body")]
    [InlineData("""{"eventType":"t","channel":"sms","locale":"en","body":"x","footer":"y"}""", "footer")]
    [InlineData("""{"eventType":"t","channel":"sms","locale":"en","body":"line 1\n{{#each items}}"}""", "body")]
    public void Should_name_the_bad_field_when_the_template_is_malformed(string body, string expectedKey)
    {
        Assert.Equal([expectedKey], TemplateParser.Parse(TestJson.Parse(body), Now).Errors.Keys);
    }

    [Fact]
    public void Should_name_both_alternatives_when_an_email_has_neither_text_nor_html()
    {
        var result = TemplateParser.Parse(EmailBody().With("text", null).With("html", null).ToElement(), Now);

        Assert.Equal(["html", "text"], result.Errors.Keys.Order());
    }

    [Fact]
    public void Should_name_both_alternatives_when_a_push_has_neither_title_nor_body()
    {
        var result = TemplateParser.Parse(TestJson.Parse("""{"eventType":"t","channel":"push","locale":"en"}"""), Now);

        Assert.Equal(["body", "title"], result.Errors.Keys.Order());
    }

    [Theory]
    [InlineData("sms", "body", 1601)]
    [InlineData("push", "body", 2049)]
    [InlineData("push", "title", 257)]
    [InlineData("email", "subject", 257)]
    [InlineData("email", "html", 64 * 1024 + 1)]
    public void Should_reject_a_part_when_it_exceeds_the_channel_limit(string channel, string part, int length)
    {
        var body = new JsonObject { ["eventType"] = "t", ["channel"] = channel, ["locale"] = "en" };
        if (channel == "email")
        {
            body.With("subject", "s").With("text", "t");
        }

        body.With(part, new string('x', length));

        Assert.Equal([part], TemplateParser.Parse(body.ToElement(), Now).Errors.Keys);
    }

    [Fact]
    public void Should_report_the_line_of_a_syntax_error_under_the_part_when_saving()
    {
        var result = TemplateParser.Parse(EmailBody().With("html", "<p>\n  Hi {{name}\n</p>").ToElement(), Now);

        var message = Assert.Single(Assert.Single(result.Errors, e => e.Key == "html").Value);
        Assert.StartsWith("line 2", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_render_the_sample_payload_when_previewing()
    {
        var body = EmailBody().With("payload", JsonNode.Parse("""{"name":"Ada","order":{"id":"A-7"}}"""));

        var preview = TemplateParser.ParsePreview(body.ToElement(), Now);
        var outcome = new TemplateRenderer().Render(preview.Value!.Template, preview.Value.Payload);

        Assert.Equal("Order A-7 shipped", Assert.IsType<RenderOutcome.Rendered>(outcome).Content.Subject);
    }

    [Theory]
    [InlineData("\"x\"", "payload")]
    [InlineData("[]", "payload")]
    public void Should_reject_the_preview_payload_when_it_is_not_an_object(string payload, string expectedKey)
    {
        var body = EmailBody().With("payload", JsonNode.Parse(payload));

        Assert.Equal([expectedKey], TemplateParser.ParsePreview(body.ToElement(), Now).Errors.Keys);
    }
}
