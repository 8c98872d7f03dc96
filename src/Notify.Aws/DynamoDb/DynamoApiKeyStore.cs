using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Notify.Core.Events;
using Notify.Core.Keys;
using Notify.Core.Resources;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// API keys keyed by the hex SHA-256 of their secret (<c>KEY#{hash}</c>): authentication is one read and the secret is
/// never stored. The <c>KEYS</c> listing of <c>gsi1</c> lists them newest first and finds one by id to revoke it.
/// </summary>
public sealed class DynamoApiKeyStore : IApiKeyStore
{
    private readonly IAmazonDynamoDB _dynamo;
    private readonly string _table;

    public DynamoApiKeyStore(IAmazonDynamoDB dynamo, ResourceNaming naming)
    {
        ArgumentNullException.ThrowIfNull(naming);
        _dynamo = dynamo ?? throw new ArgumentNullException(nameof(dynamo));
        _table = naming.Table(NotifyResources.MainTable);
    }

    /// <summary>The key whose secret hashes to <paramref name="secretHash"/> (revoked ones included: the caller decides).</summary>
    public async Task<ApiKey?> FindByHashAsync(byte[] secretHash, CancellationToken cancellationToken)
    {
        CheckHash(secretHash);
        var response = await _dynamo.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = KeyOf(secretHash), ConsistentRead = true }, cancellationToken);
        if (response.Item is not { Count: > 0 } item || item.GetValueOrDefault("hash")?.B is not { } stored)
        {
            return null;
        }

        // The key lookup already matched the hash; comparing again in constant time keeps the check independent of
        // how the database compares keys.
        return CryptographicOperations.FixedTimeEquals(stored.ToArray(), secretHash) ? ToKey(item) : null;
    }

    /// <exception cref="InvalidOperationException">A key with the same secret hash exists already.</exception>
    public async Task CreateAsync(ApiKey key, byte[] secretHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckHash(secretHash);
        var item = KeyOf(secretHash);
        item[DynamoKeys.Gsi1Pk] = DynamoAttributes.S(DynamoKeys.KeysListing);
        item[DynamoKeys.Gsi1Sk] = DynamoAttributes.S($"{DynamoAttributes.FormatTime(key.CreatedAt)}#{key.Id}");
        item["id"] = DynamoAttributes.S(key.Id);
        item["name"] = DynamoAttributes.S(key.Name);
        item["scopes"] = new AttributeValue { L = [.. ScopeNames(key.Scopes).Select(DynamoAttributes.S)] };
        item["mode"] = DynamoAttributes.S(SnakeCase<KeyMode>.Name(key.Mode));
        item["createdAt"] = DynamoAttributes.Time(key.CreatedAt);
        item.SetIfPresent("revokedAt", key.RevokedAt);
        item["hash"] = new AttributeValue { B = new MemoryStream(secretHash, writable: false) };
        try
        {
            await _dynamo.PutItemAsync(
                new PutItemRequest
                {
                    TableName = _table,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#pk)",
                    ExpressionAttributeNames = new() { ["#pk"] = DynamoKeys.Pk },
                },
                cancellationToken);
        }
        catch (ConditionalCheckFailedException e)
        {
            throw new InvalidOperationException("A key with this secret exists already.", e);
        }
    }

    /// <summary>All keys, newest first, without secrets.</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await _dynamo.QueryAsync(_table, DynamoKeys.KeysListing, newestFirst: true, int.MaxValue, cancellationToken)).Select(ToKey)];

    /// <summary>Sets <c>revokedAt</c> (kept if already revoked). False when no key has this id.</summary>
    public async Task<bool> RevokeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var items = await _dynamo.QueryAsync(_table, DynamoKeys.KeysListing, newestFirst: true, int.MaxValue, cancellationToken);
        var item = items.FirstOrDefault(i => i.OptionalString("id") == id);
        if (item is null)
        {
            return false;
        }

        var update = new DynamoUpdate().SetIfNotExists("revokedAt", DynamoAttributes.Time(now));
        try
        {
            await _dynamo.UpdateItemAsync(
                update.ToRequest(_table, DynamoKeys.Of(item.String(DynamoKeys.Pk), DynamoKeys.KeySk), $"attribute_exists({update.Name(DynamoKeys.Pk)})"),
                cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static Dictionary<string, AttributeValue> KeyOf(byte[] secretHash) =>
        DynamoKeys.Of(DynamoKeys.Key(Convert.ToHexStringLower(secretHash)), DynamoKeys.KeySk);

    private static void CheckHash(byte[] secretHash)
    {
        ArgumentNullException.ThrowIfNull(secretHash);
        if (secretHash.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"Expected a SHA-256 hash ({SHA256.HashSizeInBytes} bytes).", nameof(secretHash));
        }
    }

    private static IEnumerable<string> ScopeNames(ApiScopes scopes) =>
        scopes.HasFlag(ApiScopes.Admin) ? ["admin"]
        : new[] { (ApiScopes.Send, "send"), (ApiScopes.Read, "read") }.Where(s => scopes.HasFlag(s.Item1)).Select(s => s.Item2);

    private static ApiScopes ParseScopes(IEnumerable<string> names) =>
        names.Aggregate(ApiScopes.None, (all, name) => all | name switch
        {
            "admin" => ApiScopes.Admin,
            "send" => ApiScopes.Send,
            "read" => ApiScopes.Read,
            _ => ApiScopes.None,
        });

    private static ApiKey ToKey(Dictionary<string, AttributeValue> item) =>
        new(
            item.String("id"),
            item.String("name"),
            ParseScopes((item.GetValueOrDefault("scopes")?.L ?? []).Select(v => v.S ?? string.Empty)),
            SnakeCase<KeyMode>.Parse(item.String("mode")),
            item.TimeOf("createdAt"),
            item.OptionalTime("revokedAt"));
}
