using System.Security.Cryptography;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Notify.Core.DeadLetters;
using Notify.Core.Events;
using Notify.Core.Resources;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// The suppression list: <c>SUP#{channel}#{normalized address}</c>, so "is this address suppressed" is one read per
/// channel about to send; listed newest first through <c>SUPPRESSIONS</c> on <c>gsi1</c> (sorted by a hash of the
/// address, which keeps the index key free of personal data). Addresses are normalized by <see cref="SuppressionAddress"/>.
/// </summary>
public sealed class DynamoSuppressionStore : ISuppressionStore
{
    public const int MaxLimit = 1000;

    private readonly IAmazonDynamoDB _dynamo;
    private readonly string _table;

    public DynamoSuppressionStore(IAmazonDynamoDB dynamo, ResourceNaming naming)
    {
        ArgumentNullException.ThrowIfNull(naming);
        _dynamo = dynamo ?? throw new ArgumentNullException(nameof(dynamo));
        _table = naming.Table(NotifyResources.MainTable);
    }

    public async Task<Suppression?> GetAsync(Channel channel, string address, CancellationToken cancellationToken)
    {
        var response = await _dynamo.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = KeyOf(channel, SuppressionAddress.Normalize(channel, address)) }, cancellationToken);
        return response.Item is { Count: > 0 } item ? ToSuppression(item) : null;
    }

    /// <summary>Creates or replaces the entry; the address is stored normalized.</summary>
    public async Task PutAsync(Suppression suppression, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(suppression);
        var address = SuppressionAddress.Normalize(suppression.Channel, suppression.Address);
        var item = KeyOf(suppression.Channel, address);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address)));
        item[DynamoKeys.Gsi1Pk] = DynamoAttributes.S(DynamoKeys.SuppressionsListing);
        item[DynamoKeys.Gsi1Sk] = DynamoAttributes.S($"{DynamoAttributes.FormatTime(suppression.CreatedAt)}#{hash}");
        item["channel"] = DynamoAttributes.S(SnakeCase<Channel>.Name(suppression.Channel));
        item["address"] = DynamoAttributes.S(address);
        item["reason"] = DynamoAttributes.S(suppression.Reason);
        item["createdAt"] = DynamoAttributes.Time(suppression.CreatedAt);
        await _dynamo.PutItemAsync(new PutItemRequest { TableName = _table, Item = item }, cancellationToken);
    }

    /// <summary>The newest entries first, at most <paramref name="limit"/> (1..<see cref="MaxLimit"/>).</summary>
    public async Task<IReadOnlyList<Suppression>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        return [.. (await _dynamo.QueryAsync(_table, DynamoKeys.SuppressionsListing, newestFirst: true, limit, cancellationToken)).Select(ToSuppression)];
    }

    /// <summary>True when the address was on the list.</summary>
    public async Task<bool> DeleteAsync(Channel channel, string address, CancellationToken cancellationToken)
    {
        var response = await _dynamo.DeleteItemAsync(
            new DeleteItemRequest { TableName = _table, Key = KeyOf(channel, SuppressionAddress.Normalize(channel, address)), ReturnValues = ReturnValue.ALL_OLD },
            cancellationToken);
        return response.Attributes is { Count: > 0 };
    }

    private static Dictionary<string, AttributeValue> KeyOf(Channel channel, string normalizedAddress) =>
        DynamoKeys.Of(DynamoKeys.Suppression(channel, normalizedAddress), DynamoKeys.SuppressionSk);

    private static Suppression ToSuppression(Dictionary<string, AttributeValue> item) =>
        new(SnakeCase<Channel>.Parse(item.String("channel")), item.String("address"), item.String("reason"), item.TimeOf("createdAt"));
}
