using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Notify.Core.Resources;

namespace Notify.Aws.Provisioning;

/// <summary>Creates a table of the resource definition (on-demand, its GSIs, TTL) or confirms it is already there.</summary>
internal sealed class DynamoDbTableProvisioner(IAmazonDynamoDB dynamo)
{
    public async Task<ProvisionedResource> EnsureAsync(TableDefinition table, string name, CancellationToken cancellationToken)
    {
        var action = ProvisioningAction.Unchanged;
        TableDescription description;
        try
        {
            description = (await dynamo.DescribeTableAsync(name, cancellationToken)).Table;
        }
        catch (ResourceNotFoundException)
        {
            description = (await dynamo.CreateTableAsync(ToCreateRequest(table, name), cancellationToken)).TableDescription;
            action = ProvisioningAction.Created;
        }

        var missing = table.GlobalSecondaryIndexes
            .Where(i => description.GlobalSecondaryIndexes?.Any(g => g.IndexName == i.Name) != true)
            .ToList();
        if (missing.Count > 0)
        {
            // DynamoDB builds one new index per UpdateTable call.
            foreach (var index in missing)
            {
                await WaitActiveAsync(name, cancellationToken);
                await dynamo.UpdateTableAsync(
                    new UpdateTableRequest
                    {
                        TableName = name,
                        AttributeDefinitions = [Key(index.PartitionKey), Key(index.SortKey)],
                        GlobalSecondaryIndexUpdates = [new GlobalSecondaryIndexUpdate { Create = ToCreateIndex(index) }],
                    },
                    cancellationToken);
            }

            action = action == ProvisioningAction.Created ? action : ProvisioningAction.Updated;
        }

        if (table.TimeToLiveAttribute is { } ttl)
        {
            var current = (await dynamo.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = name }, cancellationToken)).TimeToLiveDescription;
            var enabled = current?.TimeToLiveStatus == TimeToLiveStatus.ENABLED || current?.TimeToLiveStatus == TimeToLiveStatus.ENABLING;
            if (!enabled || current?.AttributeName != ttl)
            {
                await WaitActiveAsync(name, cancellationToken);
                await dynamo.UpdateTimeToLiveAsync(
                    new UpdateTimeToLiveRequest { TableName = name, TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = ttl, Enabled = true } },
                    cancellationToken);
                action = action == ProvisioningAction.Created ? action : ProvisioningAction.Updated;
            }
        }

        return new ProvisionedResource("table", name, description.TableArn ?? name, action);
    }

    internal static CreateTableRequest ToCreateRequest(TableDefinition table, string name)
    {
        var keys = new[] { table.PartitionKey, table.SortKey }
            .Concat(table.GlobalSecondaryIndexes.SelectMany(i => new[] { i.PartitionKey, i.SortKey }))
            .Distinct(StringComparer.Ordinal)
            .Select(Key)
            .ToList();

        return new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = keys,
            KeySchema =
            [
                new KeySchemaElement(table.PartitionKey, KeyType.HASH),
                new KeySchemaElement(table.SortKey, KeyType.RANGE),
            ],
            GlobalSecondaryIndexes = table.GlobalSecondaryIndexes.Count == 0 ? null : table.GlobalSecondaryIndexes.Select(ToCreateIndex).Select(c => new GlobalSecondaryIndex
            {
                IndexName = c.IndexName,
                KeySchema = c.KeySchema,
                Projection = c.Projection,
            }).ToList(),
        };
    }

    private static CreateGlobalSecondaryIndexAction ToCreateIndex(IndexDefinition index) => new()
    {
        IndexName = index.Name,
        KeySchema =
        [
            new KeySchemaElement(index.PartitionKey, KeyType.HASH),
            new KeySchemaElement(index.SortKey, KeyType.RANGE),
        ],
        Projection = new Projection { ProjectionType = ProjectionType.ALL },
    };

    private static AttributeDefinition Key(string name) => new(name, ScalarAttributeType.S);

    private async Task WaitActiveAsync(string name, CancellationToken cancellationToken)
    {
        // Table and index creation are asynchronous on AWS (instant on moto); updates are refused until ACTIVE.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            var t = (await dynamo.DescribeTableAsync(name, cancellationToken)).Table;
            var busy = t.TableStatus != TableStatus.ACTIVE || t.GlobalSecondaryIndexes?.Any(i => i.IndexStatus != IndexStatus.ACTIVE && i.IndexStatus is not null) == true;
            if (!busy)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Table {name} did not become ACTIVE within 10 minutes.");
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }
}
