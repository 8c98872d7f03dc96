using System.Text;
using System.Text.Json;
using Notify.Core.Events;
using Notify.Core.Users;
using Notify.Core.Validation;

namespace Notify.Core.Templates;

/// <summary>A <c>POST /api/templates/preview</c> body: a template and the sample payload to render it with.</summary>
public sealed record TemplatePreview(Template Template, JsonElement Payload);

/// <summary>
/// Parses template bodies <c>{eventType, channel, locale, subject?, text?, html?, title?, body?}</c>: the parts a
/// channel uses (email: subject and text or html; sms: body; push: title or body; in_app: body, title optional),
/// their sizes, and their Handlebars syntax (errors keyed by part, with the line).
/// </summary>
public static class TemplateParser
{
    private static readonly string[] Members = ["eventType", "channel", "locale", "subject", "text", "html", "title", "body"];
    private static readonly string[] PreviewMembers = [.. Members, "payload"];

    public static ParseResult<Template> Parse(JsonElement body, DateTimeOffset now)
    {
        var reader = new FieldReader();
        var template = reader.Object(body, "", Members) is { } m ? Read(reader, m, now) : null;
        return reader.Result(template);
    }

    /// <summary>The template fields plus <c>payload</c> (a JSON object, default <c>{}</c>).</summary>
    public static ParseResult<TemplatePreview> ParsePreview(JsonElement body, DateTimeOffset now)
    {
        var reader = new FieldReader();
        if (reader.Object(body, "", PreviewMembers) is not { } m)
        {
            return reader.Result<TemplatePreview>(null);
        }

        var template = Read(reader, m, now);
        var payload = m[8];
        if (FieldReader.IsAbsent(payload))
        {
            using var empty = JsonDocument.Parse("{}");
            payload = empty.RootElement.Clone();
        }
        else if (payload.ValueKind != JsonValueKind.Object)
        {
            reader.Error("payload", "must be a JSON object");
        }

        return reader.Result(template is null || reader.HasErrors ? null : new TemplatePreview(template, payload.Clone()));
    }

    private static Template? Read(FieldReader reader, JsonElement[] m, DateTimeOffset now)
    {
        var eventType = reader.String(m[0], "eventType", required: true, FieldFormats.IsEventType, EventSubmissionParser.EventTypeRule);
        var channelName = reader.String(m[1], "channel", required: true);
        Channel? channel = null;
        if (channelName is not null)
        {
            if (WireNames.TryParseChannel(channelName, out var parsed))
            {
                channel = parsed;
            }
            else
            {
                reader.Error("channel", EventSubmissionParser.ChannelRule);
            }
        }

        var locale = reader.String(m[2], "locale", required: true, FieldFormats.IsLocale, ContactParser.LocaleRule);
        var subject = Part(reader, m[3], "subject");
        var text = Part(reader, m[4], "text");
        var html = Part(reader, m[5], "html");
        var title = Part(reader, m[6], "title");
        var body = Part(reader, m[7], "body");

        if (channel is { } c)
        {
            CheckChannelParts(reader, c, subject, text, html, title, body);
        }

        if (reader.HasErrors)
        {
            return null;
        }

        var template = new Template(eventType!, channel!.Value, FieldFormats.NormalizeLocale(locale!), subject, text, html, title, body, now);
        foreach (var error in TemplateRenderer.Validate(template))
        {
            reader.Error(error.Part, error.ToString());
        }

        return reader.HasErrors ? null : template;
    }

    private static string? Part(FieldReader reader, JsonElement value, string name)
    {
        var text = reader.String(value, name, required: false);
        if (text is { Length: 0 })
        {
            reader.Error(name, "must not be empty (omit it instead)");
            return null;
        }

        return text;
    }

    private static void CheckChannelParts(FieldReader reader, Channel channel, string? subject, string? text, string? html, string? title, string? body)
    {
        var wire = channel.ToWire();
        void NotUsed(string? value, string name)
        {
            if (value is not null)
            {
                reader.Error(name, $"is not used by the {wire} channel");
            }
        }

        void Required(string name) => reader.Error(name, $"is required for the {wire} channel");

        void MaxLength(string? value, string name, int max)
        {
            if (value?.Length > max)
            {
                reader.Error(name, $"must be at most {max} characters for the {wire} channel");
            }
        }

        void MaxBytes(string? value, string name)
        {
            if (value is not null && Encoding.UTF8.GetByteCount(value) > IngestionLimits.TemplateTextMaxBytes)
            {
                reader.Error(name, $"must be at most {IngestionLimits.TemplateTextMaxBytes} bytes");
            }
        }

        switch (channel)
        {
            case Channel.Email:
                NotUsed(title, "title");
                NotUsed(body, "body");
                if (subject is null && !reader.HasError("subject"))
                {
                    Required("subject");
                }

                if (text is null && html is null && !reader.HasError("text") && !reader.HasError("html"))
                {
                    reader.Error("text", "text or html is required for the email channel");
                    reader.Error("html", "text or html is required for the email channel");
                }

                MaxLength(subject, "subject", IngestionLimits.TemplateSubjectMaxLength);
                MaxBytes(text, "text");
                MaxBytes(html, "html");
                break;
            case Channel.Sms:
                NotUsed(subject, "subject");
                NotUsed(text, "text");
                NotUsed(html, "html");
                NotUsed(title, "title");
                if (body is null && !reader.HasError("body"))
                {
                    Required("body");
                }

                MaxLength(body, "body", IngestionLimits.TemplateSmsBodyMaxLength);
                break;
            case Channel.Push:
                NotUsed(subject, "subject");
                NotUsed(text, "text");
                NotUsed(html, "html");
                if (title is null && body is null && !reader.HasError("title") && !reader.HasError("body"))
                {
                    reader.Error("title", "title or body is required for the push channel");
                    reader.Error("body", "title or body is required for the push channel");
                }

                MaxLength(title, "title", IngestionLimits.TemplateTitleMaxLength);
                MaxLength(body, "body", IngestionLimits.TemplatePushBodyMaxLength);
                break;
            case Channel.InApp:
                NotUsed(subject, "subject");
                NotUsed(text, "text");
                NotUsed(html, "html");
                if (body is null && !reader.HasError("body"))
                {
                    Required("body");
                }

                MaxLength(title, "title", IngestionLimits.TemplateTitleMaxLength);
                MaxLength(body, "body", IngestionLimits.TemplateInAppBodyMaxLength);
                break;
        }
    }
}
