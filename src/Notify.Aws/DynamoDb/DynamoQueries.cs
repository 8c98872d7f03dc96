using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Notify.Aws.DynamoDb;

/// <summary>Multi-page queries: DynamoDB answers at most 1 MB per page, so every full read has to follow <c>LastEvaluatedKey</c>.</summary>
internal static class DynamoQueries
{
    /// <summary>Largest page asked for when a limit is given, so a huge limit never becomes one oversized request.</summary>
    private const int MaxPageSize = 1000;

    /// <summary>
    /// Every item matching <paramref name="request"/> in the index's order, or the first <paramref name="limit"/> of them.
    /// Owns <paramref name="request"/>: its <c>ExclusiveStartKey</c> (and <c>Limit</c>, when a limit is given) are overwritten per page.
    /// </summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> QueryAllAsync(
        this IAmazonDynamoDB dynamo, QueryRequest request, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            if (limit is { } max)
            {
                request.Limit = Math.Min(max - items.Count, MaxPageSize);
            }

            request.ExclusiveStartKey = start;
            var response = await dynamo.QueryAsync(request, cancellationToken);
            items.AddRange(response.Items ?? []);
            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null && (limit is null || items.Count < limit));

        return items;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> items of one of the overloaded <c>gsi1</c> listings (<c>TEMPLATES</c>, <c>KEYS</c>,
    /// <c>DEADLETTERS</c>, <c>SUPPRESSIONS</c>) in sort-key order (descending: newest first).
    /// </summary>
    public static Task<List<Dictionary<string, AttributeValue>>> QueryAsync(
        this IAmazonDynamoDB dynamo, string table, string listing, bool newestFirst, int limit, CancellationToken cancellationToken) =>
        dynamo.QueryAllAsync(
            new QueryRequest
            {
                TableName = table,
                IndexName = DynamoKeys.Gsi1,
                KeyConditionExpression = "#g1pk = :g1pk",
                ExpressionAttributeNames = new() { ["#g1pk"] = DynamoKeys.Gsi1Pk },
                ExpressionAttributeValues = new() { [":g1pk"] = DynamoAttributes.S(listing) },
                ScanIndexForward = !newestFirst,
            },
            limit,
            cancellationToken);
}
