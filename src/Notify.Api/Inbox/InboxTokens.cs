using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Notify.Core.Validation;

namespace Notify.Api.Inbox;

/// <summary>A minted token and the time it stops working.</summary>
internal sealed record InboxToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>Why a presented token was refused, or the user and expiry it grants.</summary>
internal readonly record struct InboxTokenCheck(string? UserId, DateTimeOffset ExpiresAt, string? Failure)
{
    public bool IsValid => UserId is not null;

    public static InboxTokenCheck Refused(string failure) => new(null, default, failure);
}

/// <summary>
/// Short-lived, user-scoped tokens for the browser: JWTs signed with HMAC-SHA256 under <c>Notify:Inbox:TokenSigningKey</c>
/// (Microsoft.IdentityModel.JsonWebTokens makes and checks them; the signature comparison is constant-time), carrying the
/// user id (<c>sub</c>), the expiry (<c>exp</c>), issuer <c>notify</c> and audience <c>notify-inbox</c>. Only HS256 is
/// accepted, with no clock skew. A token grants one user's inbox (the live stream, the listing of in-app items, marking
/// them read) until it expires; it is no API key and grants nothing else.
/// </summary>
internal sealed partial class InboxTokens
{
    public const string Issuer = "notify";
    public const string Audience = "notify-inbox";

    /// <summary>Longer presented values are refused before any work (a token for a 128-character user id is about 400).</summary>
    public const int MaxLength = 1024;

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _signing;
    private readonly TokenValidationParameters _validation;
    private readonly InboxOptions _options;
    private readonly TimeProvider _time;

    public InboxTokens(IOptions<InboxOptions> options, IHostEnvironment environment, TimeProvider time, ILogger<InboxTokens> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        _options = options.Value;
        _time = time;
        byte[] key;
        if (_options.TokenSigningKey is { Length: > 0 } configured)
        {
            key = Encoding.UTF8.GetBytes(configured);
        }
        else if (environment.IsDevelopment())
        {
            key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            LogGeneratedKey(logger);
        }
        else
        {
            // Options validation refuses to start first; this guards a host that skipped it.
            throw new InvalidOperationException("Notify:Inbox:TokenSigningKey is required outside Development.");
        }

        var signingKey = new SymmetricSecurityKey(key);
        _signing = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256);
        _validation = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = signingKey,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.Zero,

            // The expiry against the host's clock (a TimeProvider), not the library's own.
            LifetimeValidator = (_, expires, _, _) => expires is { } at && at > _time.GetUtcNow().UtcDateTime,
        };
    }

    /// <summary>
    /// True when the value has the shape of a JWT (three base64url parts, the first a JSON object), so the API key handler
    /// need not look it up and the listing knows which scheme to ask. API keys never contain a dot.
    /// </summary>
    public static bool LooksLikeToken(string? value) =>
        value is not null && value.StartsWith("eyJ", StringComparison.Ordinal) && value.Count(c => c == '.') == 2;

    public InboxToken Mint(string userId, TimeSpan? lifetime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var now = DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().ToUnixTimeSeconds());
        var expiresAt = now + (lifetime ?? _options.TokenLifetime);
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = userId },
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = _signing,
        });
        return new InboxToken(token, expiresAt);
    }

    /// <summary>Checks the signature, issuer, audience and expiry; failure messages never repeat the token.</summary>
    public async Task<InboxTokenCheck> VerifyAsync(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return InboxTokenCheck.Refused("An inbox token is required.");
        }

        if (token.Length > MaxLength || !LooksLikeToken(token))
        {
            return InboxTokenCheck.Refused("The inbox token is malformed.");
        }

        var result = await _handler.ValidateTokenAsync(token, _validation);
        if (!result.IsValid)
        {
            return InboxTokenCheck.Refused(result.Exception switch
            {
                SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException => "The inbox token has expired; mint a new one.",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The inbox token's signature does not match.",
                _ => "The inbox token is malformed or not an inbox token.",
            });
        }

        if (result.SecurityToken is not JsonWebToken jwt || !jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var userId) || !FieldFormats.IsUserId(userId))
        {
            return InboxTokenCheck.Refused("The inbox token is malformed.");
        }

        return new InboxTokenCheck(userId, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Notify:Inbox:TokenSigningKey is not set: this process signs inbox tokens with a key of its own, which no other instance accepts. Set the same key on every instance.")]
    private static partial void LogGeneratedKey(ILogger logger);
}
