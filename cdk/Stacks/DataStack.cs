using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.KMS;
using Constructs;
using Notify.Core.Resources;
using DynamoAttribute = Amazon.CDK.AWS.DynamoDB.Attribute;

namespace Notify.Cdk.Stacks;

/// <summary>
/// The single table of <see cref="NotifyResources.MainTable"/>: on-demand, point-in-time recovery, TTL, its GSIs, encrypted
/// with a customer-managed key; in prod deletion-protected and retained when the stack goes.
/// </summary>
internal sealed class DataStack : Stack
{
    public DataStack(Construct scope, string id, IStackProps props, DeploymentSettings settings)
        : base(scope, id, props)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var stage = settings.Stage;
        var definition = NotifyResources.MainTable;

        Key = new Key(this, "TableKey", new KeyProps
        {
            Description = "Encrypts Notify's DynamoDB table",
            EnableKeyRotation = true,
            RemovalPolicy = stage.RemovalPolicy,
        });

        Table = new Table(this, "MainTable", new TableProps
        {
            PartitionKey = new DynamoAttribute { Name = definition.PartitionKey, Type = AttributeType.STRING },
            SortKey = new DynamoAttribute { Name = definition.SortKey, Type = AttributeType.STRING },
            BillingMode = BillingMode.PAY_PER_REQUEST,
            PointInTimeRecovery = true,
            TimeToLiveAttribute = definition.TimeToLiveAttribute,
            Encryption = TableEncryption.CUSTOMER_MANAGED,
            EncryptionKey = Key,
            DeletionProtection = stage.DeletionProtection,
            RemovalPolicy = stage.RemovalPolicy,
        });

        foreach (var index in definition.GlobalSecondaryIndexes)
        {
            Table.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
            {
                IndexName = index.Name,
                PartitionKey = new DynamoAttribute { Name = index.PartitionKey, Type = AttributeType.STRING },
                SortKey = new DynamoAttribute { Name = index.SortKey, Type = AttributeType.STRING },
                ProjectionType = ProjectionType.ALL,
            });
        }

        new CfnOutput(this, "TableName", new CfnOutputProps { Value = Table.TableName, Description = "Notify:Resources:main" });
    }

    public Table Table { get; }

    public Key Key { get; }
}
