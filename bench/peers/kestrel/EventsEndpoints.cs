using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Notify.Peers.Kestrel;

/// <summary>The event body as Notify.Api takes it; enums stay strings because nothing here acts on them.</summary>
public sealed record PeerEvent(
    string? EventId,
    string? EventType,
    string? UserId,
    JsonElement Payload,
    string? Priority,
    IReadOnlyList<string>? Channels,
    PeerRecipient? Recipient);

public sealed record PeerRecipient(string? Email, string? Phone);

public sealed record PeerAccepted(string EventId, string Status);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PeerEvent))]
[JsonSerializable(typeof(PeerAccepted))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
internal sealed partial class PeerJsonContext : JsonSerializerContext;

internal static class EventsEndpoints
{
    public static IEndpointRouteBuilder MapEventsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/events");
        group.MapPost("", Post).WithName("PostEvent");
        return app;
    }

    public static Results<Accepted<PeerAccepted>, ValidationProblem> Post(PeerEvent body)
    {
        var missing = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(body.EventId))
        {
            missing["eventId"] = ["Required."];
        }

        if (string.IsNullOrEmpty(body.EventType))
        {
            missing["eventType"] = ["Required."];
        }

        if (string.IsNullOrEmpty(body.UserId))
        {
            missing["userId"] = ["Required."];
        }

        return missing.Count > 0
            ? TypedResults.ValidationProblem(missing)
            : TypedResults.Accepted($"/api/events/{body.EventId}", new PeerAccepted(body.EventId!, "accepted"));
    }
}
