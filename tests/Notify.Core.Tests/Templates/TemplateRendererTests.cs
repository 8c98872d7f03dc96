using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Templates;

namespace Notify.Core.Tests.Templates;

public sealed class TemplateRendererTests
{
    private static readonly DateTimeOffset Saved = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly System.Text.Json.JsonElement Payload = TestJson.Parse("""
        {
          "name": "<b>Tom & Jerry</b>",
          "order": { "id": "A-1", "paid": true, "express": false, "count": 0, "total": 12.50 },
          "items": [ { "name": "Book", "qty": 2 }, { "name": "Pen", "qty": 10 } ]
        }
        """);

    private static Template Email(string locale, string subject = "Hi {{name}}", string? text = "Hello {{name}}", string? html = "<p>Hello {{name}}</p>") =>
        new("order.shipped", Channel.Email, locale, subject, text, html, null, null, Saved);

    private static Template Sms(string locale, string body) => new("order.shipped", Channel.Sms, locale, null, null, null, null, body, Saved);

    private static RenderedContent Rendered(RenderOutcome outcome) =>
        Assert.IsType<RenderOutcome.Rendered>(outcome).Content;

    [Fact]
    public void Should_escape_html_only_in_the_email_html_part_when_rendering()
    {
        var content = Rendered(new TemplateRenderer().Render(Email("en"), Payload));

        Assert.Equal("Hi <b>Tom & Jerry</b>", content.Subject);
        Assert.Equal("Hello <b>Tom & Jerry</b>", content.Text);
        Assert.Equal("<p>Hello &lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</p>", content.Html);
    }

    [Theory]
    [InlineData(Channel.Sms)]
    [InlineData(Channel.Push)]
    [InlineData(Channel.InApp)]
    public void Should_not_escape_html_when_the_channel_is_plain_text(Channel channel)
    {
        var template = new Template("t", channel, "en", null, null, null, channel == Channel.Sms ? null : "{{name}}", "Dear {{name}}", Saved);

        var content = Rendered(new TemplateRenderer().Render(template, Payload));

        Assert.Equal("Dear <b>Tom & Jerry</b>", content.Body);
    }

    [Fact]
    public void Should_iterate_payload_arrays_and_objects_when_using_each_and_paths()
    {
        var template = Sms("en", "Order {{order.id}}: {{#each items}}{{@index}}.{{name}} x{{qty}}; {{/each}}total {{order.total}}{{#if order.paid}} paid={{order.paid}}{{/if}}{{#if order.express}} express{{/if}}{{#if order.count}} many{{/if}}{{missing.deep}}");

        var content = Rendered(new TemplateRenderer().Render(template, Payload));

        Assert.Equal("Order A-1: 0.Book x2; 1.Pen x10; total 12.50 paid=true", content.Body);
    }

    [Theory]
    [InlineData("fr-CA", "fr-CA")]
    [InlineData("fr-BE", "fr")]
    [InlineData("FR", "fr")]
    [InlineData("de-DE", "en")]
    [InlineData(null, "en")]
    public void Should_fall_back_from_locale_to_language_to_default_when_selecting(string? userLocale, string expected)
    {
        Template[] candidates = [Email("fr"), Email("en"), Email("fr-CA"), Sms("de", "Hallo")];

        var outcome = new TemplateRenderer().Render(candidates, Channel.Email, userLocale, "en-US", Payload);

        Assert.Equal(expected, Assert.IsType<RenderOutcome.Rendered>(outcome).Locale);
    }

    [Fact]
    public void Should_report_the_template_missing_when_no_locale_in_the_chain_has_the_channel()
    {
        Template[] candidates = [Sms("de", "Hallo"), Email("es")];

        var outcome = new TemplateRenderer().Render(candidates, Channel.Sms, "fr-CA", "en", Payload);

        Assert.Equal(["fr-CA", "fr", "en"], Assert.IsType<RenderOutcome.TemplateMissing>(outcome).LocalesTried);
    }

    [Fact]
    public void Should_fail_when_a_required_part_renders_empty()
    {
        var outcome = new TemplateRenderer().Render(Email("en", subject: "{{nothing}}"), Payload);

        Assert.Contains("subject", Assert.IsType<RenderOutcome.RenderFailed>(outcome).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_fail_instead_of_throwing_when_a_stored_template_is_broken()
    {
        var outcome = new TemplateRenderer().Render(Sms("en", "{{#if x}}never closed"), Payload);

        Assert.StartsWith("body:", Assert.IsType<RenderOutcome.RenderFailed>(outcome).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_keep_subjects_on_one_line_when_the_payload_has_line_breaks()
    {
        var content = Rendered(new TemplateRenderer().Render(Email("en", subject: "Re: {{x}}"), TestJson.Parse("""{"x":"a\r\nBcc: evil@example.com"}""")));

        Assert.Equal("Re: a Bcc: evil@example.com", content.Subject);
    }

    [Fact]
    public void Should_compile_once_when_the_same_template_renders_repeatedly()
    {
        var renderer = new TemplateRenderer();
        var template = Sms("en", "Hi {{name}}");

        renderer.Render(template, Payload);
        renderer.Render(template, Payload);
        Assert.Equal(1, renderer.Compilations);

        var edited = template with { Body = "Bye {{name}}", UpdatedAt = Saved.AddMinutes(1) };
        Assert.Equal("Bye <b>Tom & Jerry</b>", Rendered(renderer.Render(edited, Payload)).Body);
        Assert.Equal(2, renderer.Compilations);
    }

    [Fact]
    public void Should_not_serve_a_stale_compilation_when_the_source_changes_without_a_new_timestamp()
    {
        var renderer = new TemplateRenderer();
        renderer.Render(Sms("en", "one"), Payload);

        Assert.Equal("two", Rendered(renderer.Render(Sms("en", "two"), Payload)).Body);
    }

    [Fact]
    public void Should_report_no_errors_when_every_part_is_valid()
    {
        Assert.Empty(TemplateRenderer.Validate(Email("en", text: "{{#each items}}\n- {{name}}\n{{/each}}")));
    }

    public static TheoryData<string, int> Broken => new()
    {
        { "Hello\nthere {{name}\n", 2 },
        { "line one\n{{#if paid}}\npaid\n", 2 },
        { "a\nb\n{{/each}}", 3 },
        { "a\n{{#each items}}x{{/if}}", 2 },
        { "a\n\n  {{#each}}{{/each}}", 3 },
        { "ok {{name}}\n{{{raw}}\n", 2 },
        { "{{!-- never closed", 1 },
        { "a\n{{> partial}}", 2 },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Should_report_the_part_and_line_when_the_syntax_is_broken(string source, int line)
    {
        var template = Email("en", html: source);

        var error = Assert.Single(TemplateRenderer.Validate(template));

        Assert.Equal("html", error.Part);
        Assert.Equal(line, error.Line);
        Assert.StartsWith($"line {line}", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_report_each_broken_part_when_several_are_broken()
    {
        var errors = TemplateRenderer.Validate(Email("en", subject: "{{name}", text: "ok", html: "{{#if a}}"));

        Assert.Equal(["subject", "html"], errors.Select(e => e.Part));
    }
}
