using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Notify.Api.Auth;
using Notify.Api.Http;
using Notify.Api.OpenApi;
using Notify.Aws.Channels.InApp;
using Notify.Core;
using Notify.Core.Delivery;

namespace Notify.Api.Inbox;

/// <summary>
/// The live inbox: <c>POST /api/users/{userId}/inbox-token</c> (a backend with a <c>send</c> key mints a browser's token),
/// <c>GET /api/users/{userId}/inbox/stream</c> (Server-Sent Events), the SignalR hub at <c>/hubs/inbox</c>, and the demo
/// page at <c>/inbox-demo</c>. Pushes come from <see cref="InboxFanOut"/>.
/// </summary>
internal static class InboxEndpoints
{
    public const string HubPath = "/hubs/inbox";
    public const string DemoPath = "/inbox-demo";

    private const string DemoPageFile = "inbox-demo/index.html";

    public static TBuilder AddNotifyInbox<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        var development = builder.Environment.IsDevelopment();
        services.AddOptions<InboxOptions>()
            .Bind(builder.Configuration.GetSection(InboxOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(
                o => development || !string.IsNullOrEmpty(o.TokenSigningKey),
                "Notify:Inbox:TokenSigningKey is required outside Development: every API instance signs and checks inbox tokens with it (at least 32 characters).")
            .ValidateOnStart();
        services.AddOptions<InboxFanOutOptions>()
            .Bind(builder.Configuration.GetSection(InboxFanOutOptions.SectionName))
            // A Lambda function answers one request at a time and is frozen in between: it can hold no live connection,
            // so it needs no queue of its own either.
            .PostConfigure(o => o.Enabled &= string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Lambda.LambdaRuntimeClient.EndpointVariable)))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddInboxAuthentication();
        services.AddSingleton<InboxMetrics>();
        services.AddSingleton<InboxConnections>();
        services.AddSingleton<InboxReadAnnouncer>();
        services.AddSingleton<InboxQueueSweeper>();
        services.TryAddSingleton<SnsInboxNotifier>();
        services.TryAddSingleton<IInboxNotifier>(sp => sp.GetRequiredService<SnsInboxNotifier>());
        services.AddSingleton<InboxFanOut>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxFanOut>());
        services.AddHostedService<InboxQueueSweepService>();
        services.AddSignalR(o => o.MaximumReceiveMessageSize = InboxOptions.MaxClientMessageBytes)
            .AddJsonProtocol(o => NotifyJson.Configure(o.PayloadSerializerOptions));
        return builder;
    }

    public static WebApplication MapInbox(this WebApplication app)
    {
        // Resolved now, so a generated development key is announced at start rather than at the first token.
        _ = app.Services.GetRequiredService<InboxTokens>();

        var group = app.MapGroup("/api/users/{userId}").WithTags("Inbox");
        group.MapPost("/inbox-token", MintTokenAsync)
            .WithName("MintInboxToken")
            .RequireAuthorization(ApiPolicies.Send)
            .Accepts<InboxTokenRequest>(isOptional: true, "application/json")
            .WithRequestExample("""{ "lifetimeSeconds": 900 }""");
        group.MapGet("/inbox/stream", Stream)
            .WithName("StreamInbox")
            .RequireAuthorization(InboxPolicies.Token)
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");

        app.MapHub<InboxHub>(HubPath, o =>
        {
            // The connection ends with its token; the client mints a new one and reconnects.
            o.CloseOnAuthenticationExpiration = true;
            o.ApplicationMaxBufferSize = InboxOptions.MaxClientMessageBytes;
        }).RequireAuthorization(InboxPolicies.Token);

        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(DemoPath + "/app", StringComparison.OrdinalIgnoreCase)
                       || context.Request.Path.StartsWithSegments(DemoPath + "/vendor", StringComparison.OrdinalIgnoreCase),
            assets => assets.UseStaticFiles());
        app.MapGet(DemoPath, DemoPage).ExcludeFromDescription();
        return app;
    }

    /// <summary>Mints a token for the user: <c>{token, expiresAt}</c>; the body (optional) may ask for a shorter or longer life within the limits.</summary>
    public static async Task<Results<Ok<InboxTokenView>, ProblemHttpResult>> MintTokenAsync(
        string userId, HttpContext context, InboxTokens tokens, CancellationToken cancellationToken)
    {
        InboxTokenRequest? request = null;
        if (context.Request.ContentLength is not 0 && (context.Request.ContentLength is not null || context.Request.ContentType is not null))
        {
            (request, var problem) = await JsonBody.ReadAsync<InboxTokenRequest>(context, IngestionLimits.RequestBodyMaxBytes, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }
        }

        TimeSpan? lifetime = null;
        if (request?.LifetimeSeconds is { } seconds)
        {
            if (seconds < InboxOptions.MinTokenLifetime.TotalSeconds || seconds > InboxOptions.MaxTokenLifetime.TotalSeconds)
            {
                return Problems.Invalid("lifetimeSeconds", $"must be between {InboxOptions.MinTokenLifetime.TotalSeconds} and {InboxOptions.MaxTokenLifetime.TotalSeconds}");
            }

            lifetime = TimeSpan.FromSeconds(seconds);
        }

        var token = tokens.Mint(userId, lifetime);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new InboxTokenView(token.Token, token.ExpiresAt));
    }

    /// <summary>
    /// The user's inbox as Server-Sent Events: <c>unread</c> at once, then <c>notification</c>, <c>read</c> and <c>unread</c>
    /// as they happen, and a <c>heartbeat</c> every <see cref="InboxOptions.StreamHeartbeatInterval"/>. The stream ends when
    /// the token expires or the instance stops; 429 when the user already holds the most connections allowed here.
    /// </summary>
    public static Results<ServerSentEventsResult<string>, ProblemHttpResult> Stream(
        string userId,
        HttpContext context,
        InboxConnections connections,
        IOptions<InboxOptions> options,
        IHostApplicationLifetime lifetime,
        TimeProvider time)
    {
        // The policy admitted a token for this very user.
        if (connections.OpenStream(userId) is not { } stream)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many connections.",
                detail: $"This user already holds {connections.MaxPerUser} live inbox connections on this instance; close one first.");
        }

        var expiresAt = InboxPolicies.TokenExpiry(context.User) ?? time.GetUtcNow();
        var expiry = new CancellationTokenSource(Max(expiresAt - time.GetUtcNow(), TimeSpan.Zero), time);
        var ends = CancellationTokenSource.CreateLinkedTokenSource(expiry.Token, lifetime.ApplicationStopping);
        context.Response.RegisterForDispose(stream);
        context.Response.RegisterForDispose(ends);
        context.Response.RegisterForDispose(expiry);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.ServerSentEvents(EventsAsync(stream, connections, options.Value.StreamHeartbeatInterval, ends.Token));
    }

    private static async IAsyncEnumerable<SseItem<string>> EventsAsync(
        InboxStream stream, InboxConnections connections, TimeSpan heartbeat, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (await connections.UnreadAsync(stream.UserId, cancellationToken) is { } unread)
        {
            yield return Item(unread);
        }

        while (await NextAsync(stream.Reader, heartbeat, cancellationToken) is { } push)
        {
            yield return Item(push);
        }
    }

    /// <summary>The next push, a heartbeat when none came for a while, or null when the stream ends.</summary>
    private static async Task<InboxPush?> NextAsync(ChannelReader<InboxPush> reader, TimeSpan heartbeat, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(heartbeat);
        try
        {
            return await reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new InboxPush(InboxConnections.HeartbeatEvent, new { });
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    private static SseItem<string> Item(InboxPush push) =>
        new(JsonSerializer.Serialize(push.Payload, push.Payload.GetType(), NotifyJson.Options), push.Event);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The demo page: static, public (it holds no data and no key; it takes an inbox token in its URL fragment or pasted).</summary>
    private static IResult DemoPage(HttpContext context, IWebHostEnvironment environment) =>
        Dashboard.DashboardPages.StaticPage(context, environment, DemoPageFile, "inbox demo page");
}

internal sealed record InboxTokenRequest(int? LifetimeSeconds);

internal sealed record InboxTokenView(string Token, DateTimeOffset ExpiresAt);
