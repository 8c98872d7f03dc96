using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Notify.Api.Auth;
using Notify.Api.Http;
using Notify.Api.OpenApi;
using Notify.Core;
using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Templates;
using Notify.Core.Validation;

namespace Notify.Api.Apis;

/// <summary><c>/api/templates</c>: Handlebars templates per event type × channel × locale, checked at save, and previews.</summary>
internal static class TemplatesEndpoints
{
    private static readonly string[] IdentityFields = ["eventType", "channel", "locale"];

    public static IEndpointRouteBuilder MapTemplatesEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/templates").WithTags("Templates");

        group.MapGet("", ListAsync).WithName("ListTemplates").RequireAuthorization(ApiPolicies.Read);
        group.MapGet("/{eventType}/{channel}/{locale}", GetAsync).WithName("GetTemplate").RequireAuthorization(ApiPolicies.Read);
        group.MapPut("/{eventType}/{channel}/{locale}", PutAsync)
            .WithName("PutTemplate")
            .RequireAuthorization(ApiPolicies.Admin)
            .Accepts<TemplateView>("application/json")
            .WithRequestExample("""
                {
                  "subject": "Your order {{orderId}} has shipped",
                  "text": "Hello {{name}},\nyour order {{orderId}} is on its way with {{carrier}}.",
                  "html": "<p>Hello {{name}},</p><p>your order <b>{{orderId}}</b> is on its way.</p>"
                }
                """);
        group.MapDelete("/{eventType}/{channel}/{locale}", DeleteAsync).WithName("DeleteTemplate").RequireAuthorization(ApiPolicies.Admin);
        group.MapPost("/preview", PreviewAsync)
            .WithName("PreviewTemplate")
            .RequireAuthorization(ApiPolicies.Read)
            .Accepts<TemplateView>("application/json")
            .WithRequestExample("""
                {
                  "eventType": "order.shipped", "channel": "sms", "locale": "en",
                  "body": "Order {{orderId}} shipped with {{carrier}}.",
                  "payload": { "orderId": "8412", "carrier": "DHL" }
                }
                """);
        return app;
    }

    public static async Task<Ok<TemplateList>> ListAsync(ITemplateStore templates, CancellationToken cancellationToken)
    {
        var all = await templates.ListAsync(cancellationToken);
        return TypedResults.Ok(new TemplateList(all.Select(TemplateView.From).ToList()));
    }

    public static async Task<Results<Ok<TemplateView>, ProblemHttpResult>> GetAsync(
        string eventType, string channel, string locale, ITemplateStore templates, CancellationToken cancellationToken)
    {
        if (!WireNames.TryParseChannel(channel, out var parsed))
        {
            return Problems.Invalid("channel", "must be one of " + WireNames.ChannelList);
        }

        return await templates.GetAsync(eventType, parsed, NormalizeLocale(locale), cancellationToken) is { } template
            ? TypedResults.Ok(TemplateView.From(template))
            : Problems.NotFound($"No {channel} template for '{eventType}' in '{locale}'.");
    }

    /// <summary>
    /// The body holds the parts; the identity comes from the path (a body may repeat it, but not contradict it).
    /// Each part is compiled here, so a syntax error is a 400 naming the part and line, not a failed delivery later.
    /// </summary>
    public static async Task<Results<Created<TemplateView>, Ok<TemplateView>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string eventType, string channel, string locale, HttpContext context, ITemplateStore templates, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(context, IngestionLimits.RequestBodyMaxBytes, cancellationToken);
        if (body.Failed)
        {
            return body.Problem!;
        }

        if (body.Root.ValueKind != JsonValueKind.Object)
        {
            return Problems.Validation(new Dictionary<string, string[]> { [ParseResult.RootKey] = ["must be a JSON object"] });
        }

        var merged = JsonObject.Create(body.Root)!;
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, value) in IdentityFields.Zip([eventType, channel, locale]))
        {
            if (merged[field] is null)
            {
                merged[field] = value;
            }
            else if (merged[field] is not JsonValue given || !given.TryGetValue<string>(out var text) || text != value)
            {
                errors[field] = [$"must match the path ('{value}') or be omitted"];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var parsed = TemplateParser.Parse(JsonSerializer.SerializeToElement(merged), time.GetUtcNow());
        if (!parsed.IsValid)
        {
            return Problems.Validation(parsed.Errors.ToDictionary());
        }

        var template = parsed.Value;
        var existed = await templates.GetAsync(template.EventType, template.Channel, template.Locale, cancellationToken) is not null;
        await templates.PutAsync(template, cancellationToken);
        var view = TemplateView.From(template);
        return existed
            ? TypedResults.Ok(view)
            : TypedResults.Created($"/api/templates/{template.EventType}/{template.Channel.ToWire()}/{template.Locale}", view);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string eventType, string channel, string locale, ITemplateStore templates, CancellationToken cancellationToken)
    {
        if (!WireNames.TryParseChannel(channel, out var parsed))
        {
            return Problems.Invalid("channel", "must be one of " + WireNames.ChannelList);
        }

        return await templates.DeleteAsync(eventType, parsed, NormalizeLocale(locale), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"No {channel} template for '{eventType}' in '{locale}'.");
    }

    public static async Task<Results<Ok<RenderedContent>, ValidationProblem, ProblemHttpResult>> PreviewAsync(
        HttpContext context, TemplateRenderer renderer, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(context, IngestionLimits.RequestBodyMaxBytes, cancellationToken);
        if (body.Failed)
        {
            return body.Problem!;
        }

        var parsed = TemplateParser.ParsePreview(body.Root, time.GetUtcNow());
        if (!parsed.IsValid)
        {
            return Problems.Validation(parsed.Errors.ToDictionary());
        }

        return renderer.Render(parsed.Value.Template, parsed.Value.Payload) switch
        {
            RenderOutcome.Rendered rendered => TypedResults.Ok(rendered.Content),
            RenderOutcome.RenderFailed failed => TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The template does not render with this payload.",
                detail: failed.Reason),
            var other => throw new InvalidOperationException($"Unexpected render outcome {other.GetType().Name}."),
        };
    }

    private static string NormalizeLocale(string locale) => FieldFormats.IsLocale(locale) ? FieldFormats.NormalizeLocale(locale) : locale;
}

internal sealed record TemplateList(IReadOnlyList<TemplateView> Items);

internal sealed record TemplateView(
    string EventType,
    Channel Channel,
    string Locale,
    string? Subject,
    string? Text,
    string? Html,
    string? Title,
    string? Body,
    DateTimeOffset UpdatedAt)
{
    public static TemplateView From(Template t) => new(t.EventType, t.Channel, t.Locale, t.Subject, t.Text, t.Html, t.Title, t.Body, t.UpdatedAt);
}
