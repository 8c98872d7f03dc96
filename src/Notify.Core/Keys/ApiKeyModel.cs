using Notify.Core.Events;

namespace Notify.Core.Keys;

[Flags]
public enum ApiScopes
{
    None = 0,
    Send = 1,
    Read = 2,

    /// <summary>Admin implies send and read.</summary>
    Admin = 4 | Send | Read,
}

/// <summary>An API key's public record. The secret is shown once at creation; only its SHA-256 is stored.</summary>
public sealed record ApiKey(string Id, string Name, ApiScopes Scopes, KeyMode Mode, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public bool IsRevoked => RevokedAt is not null;
}

public interface IApiKeyStore
{
    /// <summary>Looks a key up by the SHA-256 of its secret.</summary>
    Task<ApiKey?> FindByHashAsync(byte[] secretHash, CancellationToken cancellationToken);

    Task CreateAsync(ApiKey key, byte[] secretHash, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken);

    Task<bool> RevokeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);
}
