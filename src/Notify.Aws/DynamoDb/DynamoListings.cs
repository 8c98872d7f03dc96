using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Notify.Aws.DynamoDb;

/// <summary>Reads one of the overloaded <c>gsi1</c> listings (<c>TEMPLATES</c>, <c>KEYS</c>, <c>DEADLETTERS</c>, <c>SUPPRESSIONS</c>).</summary>
internal static class DynamoListings
{
    /// <summary>Up to <paramref name="limit"/> items of the listing in sort-key order (descending: newest first).</summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> QueryAsync(
        this IAmazonDynamoDB dynamo, string table, string listing, bool newestFirst, int limit, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var response = await dynamo.QueryAsync(
                new QueryRequest
                {
                    TableName = table,
                    IndexName = DynamoKeys.Gsi1,
                    KeyConditionExpression = "#g1pk = :g1pk",
                    ExpressionAttributeNames = new() { ["#g1pk"] = DynamoKeys.Gsi1Pk },
                    ExpressionAttributeValues = new() { [":g1pk"] = DynamoAttributes.S(listing) },
                    ScanIndexForward = !newestFirst,
                    Limit = Math.Min(limit - items.Count, 1000),
                    ExclusiveStartKey = start,
                },
                cancellationToken);
            items.AddRange(response.Items ?? []);
            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null && items.Count < limit);

        return items;
    }
}
