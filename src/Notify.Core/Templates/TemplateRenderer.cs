using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using HandlebarsDotNet;
using HandlebarsDotNet.IO;
using Notify.Core.Events;
using Notify.Core.Notifications;

namespace Notify.Core.Templates;

/// <summary>A template syntax error: the part (<c>subject</c>, <c>text</c>, <c>html</c>, <c>title</c>, <c>body</c>) and 1-based position when known.</summary>
public sealed record TemplateSyntaxError(string Part, int? Line, int? Column, string Message)
{
    public override string ToString() => Line switch
    {
        null => Message,
        { } line when Column is { } column => $"line {line}, column {column}: {Message}",
        { } line => $"line {line}: {Message}",
    };
}

/// <summary>What rendering an event's templates for one channel came to.</summary>
public abstract record RenderOutcome
{
    private RenderOutcome()
    {
    }

    /// <param name="Locale">The locale of the template that was used (after fallback).</param>
    public sealed record Rendered(RenderedContent Content, string Locale) : RenderOutcome;

    /// <summary>No template for the channel in the user's locale, its language or the default locale.</summary>
    public sealed record TemplateMissing(IReadOnlyList<string> LocalesTried) : RenderOutcome;

    public sealed record RenderFailed(string Reason) : RenderOutcome;
}

/// <summary>
/// Handlebars rendering with the event payload as the context. Only the email HTML part is HTML-escaped: subjects,
/// text, SMS and push are plain text, where entities would show up literally. Compiled templates are cached per
/// template part and reused while the template's <see cref="Template.UpdatedAt"/> and source are unchanged.
/// Thread-safe; one instance per process.
/// </summary>
public sealed partial class TemplateRenderer(int cacheCapacity = 2048)
{
    private static readonly IHandlebars HtmlEnvironment = CreateEnvironment(escapeHtml: true);
    private static readonly IHandlebars PlainEnvironment = CreateEnvironment(escapeHtml: false);
    private static readonly Dictionary<string, object?> EmptyContext = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<CacheKey, CompiledPart> cache = new();
    private long compilations;

    internal long Compilations => Interlocked.Read(ref compilations);

    /// <summary>Compiles every part (and renders it once with an empty context) to report syntax errors with their line.</summary>
    public static IReadOnlyList<TemplateSyntaxError> Validate(Template template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var errors = new List<TemplateSyntaxError>();
        foreach (var (part, source) in Parts(template))
        {
            var environment = Environment(part);
            try
            {
                environment.Compile(source)(EmptyContext);
            }
#pragma warning disable CA1031 // Any failure of user-supplied template source is a validation error, whatever its type.
            catch (Exception e)
#pragma warning restore CA1031
            {
                errors.Add(Describe(part, source, e, environment));
            }
        }

        return errors;
    }

    /// <summary>
    /// The template for <paramref name="channel"/> in the user's <paramref name="locale"/>, else its language
    /// (<c>fr-CA</c> → <c>fr</c>), else <paramref name="defaultLocale"/> (and its language); null when none exists.
    /// </summary>
    public static Template? Select(IReadOnlyList<Template> candidates, Channel channel, string? locale, string defaultLocale)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        foreach (var wanted in LocaleChain(locale, defaultLocale))
        {
            foreach (var candidate in candidates)
            {
                if (candidate.Channel == channel && string.Equals(candidate.Locale, wanted, StringComparison.OrdinalIgnoreCase))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public RenderOutcome Render(IReadOnlyList<Template> candidates, Channel channel, string? locale, string defaultLocale, JsonElement payload) =>
        Select(candidates, channel, locale, defaultLocale) is { } template
            ? Render(template, payload)
            : new RenderOutcome.TemplateMissing(LocaleChain(locale, defaultLocale));

    /// <summary>Renders one template (also what a preview does).</summary>
    public RenderOutcome Render(Template template, JsonElement payload)
    {
        ArgumentNullException.ThrowIfNull(template);
        var context = PayloadContext.From(payload);
        string? Part(TemplatePart part, string? source) => source is null ? null : Compile(template, part, source)(context);

        RenderedContent content;
        TemplatePart current = default;
        try
        {
            current = TemplatePart.Subject;
            var subject = SingleLine(Part(current, template.Subject));
            current = TemplatePart.Title;
            var title = SingleLine(Part(current, template.Title));
            current = TemplatePart.Text;
            var text = Part(current, template.Text);
            current = TemplatePart.Html;
            var html = Part(current, template.Html);
            current = TemplatePart.Body;
            var body = Part(current, template.Body);
            content = new RenderedContent(subject, text, html, title, body);
        }
#pragma warning disable CA1031 // A stored template that fails (it was validated at save, but Handlebars.Net can still throw) is an outcome, not a crash.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new RenderOutcome.RenderFailed($"{Name(current)}: {StripLocation(e.Message)}");
        }

        return Empty(template.Channel, content) is { } reason
            ? new RenderOutcome.RenderFailed(reason)
            : new RenderOutcome.Rendered(content, template.Locale);
    }

    private HandlebarsTemplate<object, object> Compile(Template template, TemplatePart part, string source)
    {
        var key = new CacheKey(template.EventType, template.Channel, template.Locale, part);
        if (cache.TryGetValue(key, out var hit) && hit.UpdatedAt == template.UpdatedAt && string.Equals(hit.Source, source, StringComparison.Ordinal))
        {
            return hit.Render;
        }

        var compiled = Environment(part).Compile(source);
        Interlocked.Increment(ref compilations);
        if (cache.Count >= cacheCapacity)
        {
            // Templates are few; hitting the cap means churn (previews), where starting over is cheap and bounded.
            cache.Clear();
        }

        cache[key] = new CompiledPart(template.UpdatedAt, source, compiled);
        return compiled;
    }

    /// <summary>Providers refuse empty subjects and bodies; failing here names the template instead of a provider error.</summary>
    private static string? Empty(Channel channel, RenderedContent c) => channel switch
    {
        Channel.Email when string.IsNullOrWhiteSpace(c.Subject) => "subject rendered empty",
        Channel.Email when string.IsNullOrWhiteSpace(c.Text) && string.IsNullOrWhiteSpace(c.Html) => "text and html rendered empty",
        Channel.Sms or Channel.InApp when string.IsNullOrWhiteSpace(c.Body) => "body rendered empty",
        Channel.Push when string.IsNullOrWhiteSpace(c.Title) && string.IsNullOrWhiteSpace(c.Body) => "title and body rendered empty",
        _ => null,
    };

    // A line break in a subject or title would be a header injection risk for email and is refused by push providers.
    private static string? SingleLine(string? value) =>
        value is null ? null : LineBreaks().Replace(value, " ").Trim();

    private static IReadOnlyList<string> LocaleChain(string? locale, string defaultLocale)
    {
        var chain = new List<string>(4);
        void Add(string? tag)
        {
            if (!string.IsNullOrEmpty(tag) && !chain.Contains(tag, StringComparer.OrdinalIgnoreCase))
            {
                chain.Add(tag);
            }
        }

        foreach (var tag in new[] { locale, defaultLocale })
        {
            Add(tag);
            if (tag?.IndexOf('-', StringComparison.Ordinal) is > 0 and var dash)
            {
                Add(tag[..dash]);
            }
        }

        return chain;
    }

    private static IEnumerable<(TemplatePart Part, string Source)> Parts(Template t)
    {
        if (t.Subject is not null)
        {
            yield return (TemplatePart.Subject, t.Subject);
        }

        if (t.Text is not null)
        {
            yield return (TemplatePart.Text, t.Text);
        }

        if (t.Html is not null)
        {
            yield return (TemplatePart.Html, t.Html);
        }

        if (t.Title is not null)
        {
            yield return (TemplatePart.Title, t.Title);
        }

        if (t.Body is not null)
        {
            yield return (TemplatePart.Body, t.Body);
        }
    }

    private static IHandlebars Environment(TemplatePart part) => part == TemplatePart.Html ? HtmlEnvironment : PlainEnvironment;

    internal static string Name(TemplatePart part) => part switch
    {
        TemplatePart.Subject => "subject",
        TemplatePart.Text => "text",
        TemplatePart.Html => "html",
        TemplatePart.Title => "title",
        _ => "body",
    };

    private static TemplateSyntaxError Describe(TemplatePart part, string source, Exception e, IHandlebars environment)
    {
        var message = e is HandlebarsException ? StripLocation(e.Message) : "invalid expression";

        // Handlebars.Net's position (when it gives one) is where its lexer gave up, often the end of the template;
        // the locator points at the mustache that opened the trouble, which is what an author needs.
        if (TemplateErrorLocator.Locate(source, environment) is { } position)
        {
            return new TemplateSyntaxError(Name(part), position.Line, position.Column, message);
        }

        var match = Location().Match(e.Message);
        return match.Success
            ? new TemplateSyntaxError(Name(part), int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) + 1,
                int.Parse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture) + 1, message) // Handlebars.Net counts from 0.
            : new TemplateSyntaxError(Name(part), null, null, message);
    }

    private static string StripLocation(string message) => Location().Replace(message, "").Trim();

    private static IHandlebars CreateEnvironment(bool escapeHtml)
    {
        var configuration = new HandlebarsConfiguration
        {
            NoEscape = !escapeHtml,
            FormatProvider = CultureInfo.InvariantCulture,
            ThrowOnUnresolvedBindingExpression = false,
        };
        configuration.FormatterProviders.Add(JsonBooleanFormatter.Instance);
        return Handlebars.Create(configuration);
    }

    [GeneratedRegex(@"\s*Occur+ed at: (\d+):(\d+)")]
    private static partial Regex Location();

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex LineBreaks();

    private readonly record struct CacheKey(string EventType, Channel Channel, string Locale, TemplatePart Part);

    private sealed record CompiledPart(DateTimeOffset UpdatedAt, string Source, HandlebarsTemplate<object, object> Render);

    /// <summary>Payload booleans print as JSON and JavaScript Handlebars print them (<c>true</c>), not as .NET does (<c>True</c>).</summary>
    private sealed class JsonBooleanFormatter : IFormatterProvider, IFormatter
    {
        public static readonly JsonBooleanFormatter Instance = new();

        public bool TryCreateFormatter(Type type, out IFormatter formatter)
        {
            formatter = this;
            return type == typeof(bool);
        }

        public void Format<T>(T value, in EncodedTextWriter writer) => writer.Write(value is true ? "true" : "false", false);
    }
}

internal enum TemplatePart
{
    Subject,
    Text,
    Html,
    Title,
    Body,
}
