using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Notify.Api.Options;
using Notify.Core.Events;
using Notify.Core.Keys;

namespace Notify.Api.Auth;

/// <summary>
/// Turns a presented key into a caller: the bootstrap admin key from configuration, else a key row found by the
/// SHA-256 of the secret. Found keys are cached for a few seconds (the hot path of ingestion would otherwise pay a
/// DynamoDB read per request); unknown and revoked keys never are, so a new key works at once.
/// </summary>
internal sealed class ApiKeyAuthenticator(IApiKeyStore keys, IOptions<ApiKeyOptions> options, TimeProvider time)
{
    private readonly ApiKeyOptions _options = options.Value;
    private readonly byte[]? _adminHash = string.IsNullOrEmpty(options.Value.AdminKey) ? null : ApiKeySecret.Hash(options.Value.AdminKey);
    private readonly ConcurrentDictionary<string, CachedKey> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _activeIds = new(StringComparer.Ordinal);

    public async Task<ApiCaller?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (presentedKey.Length is 0 or > ApiKeySecret.MaxLength)
        {
            return null;
        }

        var hash = ApiKeySecret.Hash(presentedKey);
        if (_adminHash is not null && CryptographicOperations.FixedTimeEquals(hash, _adminHash))
        {
            return new ApiCaller(ApiCaller.BootstrapKeyId, ApiScopes.Admin, KeyMode.Live);
        }

        var cacheKey = Convert.ToBase64String(hash);
        var now = time.GetUtcNow();
        // The dictionary finds the entry by the hash; the constant-time comparison makes sure that what matched is
        // the whole hash, whatever the dictionary's own comparison does.
        if (_cache.TryGetValue(cacheKey, out var cached) && cached.ExpiresAt > now && CryptographicOperations.FixedTimeEquals(cached.Hash, hash))
        {
            return cached.Caller;
        }

        var key = await keys.FindByHashAsync(hash, cancellationToken);
        if (key is null || key.IsRevoked)
        {
            _cache.TryRemove(cacheKey, out _);
            return null;
        }

        var caller = new ApiCaller(key.Id, key.Scopes, key.Mode);
        if (_options.CacheDuration > TimeSpan.Zero && _options.CacheCapacity > 0)
        {
            if (_cache.Count >= _options.CacheCapacity)
            {
                // Crude but bounded: a flood of distinct valid keys costs re-reads, never memory.
                _cache.Clear();
            }

            _cache[cacheKey] = new CachedKey(hash, caller, now + _options.CacheDuration);
        }

        return caller;
    }

    /// <summary>
    /// Whether the key a dashboard session was started with still stands. The session holds the key's id, not its
    /// secret, so the key is looked up by id in the key listing; a live answer is cached like a found key, so a revoke
    /// ends the session at once on this instance and within the cache duration elsewhere.
    /// </summary>
    public async Task<bool> IsActiveAsync(string keyId, CancellationToken cancellationToken)
    {
        if (keyId == ApiCaller.BootstrapKeyId)
        {
            return _adminHash is not null;
        }

        var now = time.GetUtcNow();
        if (_activeIds.TryGetValue(keyId, out var until) && until > now)
        {
            return true;
        }

        var active = (await keys.ListAsync(cancellationToken)).Any(k => k.Id == keyId && !k.IsRevoked);
        if (active && _options.CacheDuration > TimeSpan.Zero && _options.CacheCapacity > 0)
        {
            if (_activeIds.Count >= _options.CacheCapacity)
            {
                _activeIds.Clear();
            }

            _activeIds[keyId] = now + _options.CacheDuration;
        }
        else
        {
            _activeIds.TryRemove(keyId, out _);
        }

        return active;
    }

    /// <summary>Drops a revoked key at once on this instance (others see the revoke within the cache duration).</summary>
    public void Forget(string keyId)
    {
        _activeIds.TryRemove(keyId, out _);
        foreach (var (cacheKey, entry) in _cache)
        {
            if (entry.Caller.KeyId == keyId)
            {
                _cache.TryRemove(cacheKey, out _);
            }
        }
    }

    private sealed record CachedKey(byte[] Hash, ApiCaller Caller, DateTimeOffset ExpiresAt);
}
