using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Notify.Cdk.Tests.Fixtures;
using Notify.Core.Resources;

namespace Notify.Cdk.Tests.Stacks;

[Collection(SynthesizedApps.Name)]
[Trait("Category", "Slow")]
public sealed class DataStackTests(DevApp dev, ProdApp prod)
{
    [Fact]
    public void Should_declare_the_table_from_the_shared_definition_when_synthesized()
    {
        var definition = NotifyResources.MainTable;
        foreach (var app in new SynthesizedApp[] { dev, prod })
        {
            var table = app.Data.Resource("MainTable")["Properties"]!;

            Assert.Equal("PAY_PER_REQUEST", (string?)table["BillingMode"]);
            Assert.Equal(
                [$"{definition.PartitionKey}:HASH", $"{definition.SortKey}:RANGE"],
                table["KeySchema"]!.AsArray().Select(k => $"{k!["AttributeName"]}:{k["KeyType"]}"));
            Assert.Equal(
                definition.GlobalSecondaryIndexes.Select(i => $"{i.Name}({i.PartitionKey}:HASH,{i.SortKey}:RANGE) ALL"),
                table["GlobalSecondaryIndexes"]!.AsArray().Select(i =>
                    $"{i!["IndexName"]}({string.Join(",", i["KeySchema"]!.AsArray().Select(k => $"{k!["AttributeName"]}:{k["KeyType"]}"))}) {i["Projection"]!["ProjectionType"]}"));
            Assert.All(table["AttributeDefinitions"]!.AsArray(), a => Assert.Equal("S", (string?)a!["AttributeType"]));
            Assert.Equal(definition.TimeToLiveAttribute, (string?)table["TimeToLiveSpecification"]!["AttributeName"]);
            Assert.True((bool)table["TimeToLiveSpecification"]!["Enabled"]!);
            Assert.True((bool)table["PointInTimeRecoverySpecification"]!["PointInTimeRecoveryEnabled"]!);
        }
    }

    [Fact]
    public void Should_encrypt_the_table_with_its_own_rotated_key_when_synthesized()
    {
        foreach (var app in new SynthesizedApp[] { dev, prod })
        {
            var sse = app.Data.Resource("MainTable")["Properties"]!["SSESpecification"]!;

            Assert.True((bool)sse["SSEEnabled"]!);
            Assert.Equal("KMS", (string?)sse["SSEType"]);
            Assert.Equal(app.Data.LogicalId("TableKey"), (string?)sse["KMSMasterKeyId"]!["Fn::GetAtt"]![0]);
            Assert.True((bool)app.Data.Resource("TableKey")["Properties"]!["EnableKeyRotation"]!);
        }
    }

    [Fact]
    public void Should_protect_and_retain_the_table_and_its_key_in_prod_and_delete_them_in_dev()
    {
        prod.Data.Assertions.HasResource("AWS::DynamoDB::Table", new Dictionary<string, object>
        {
            ["DeletionPolicy"] = "Retain",
            ["UpdateReplacePolicy"] = "Retain",
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object> { ["DeletionProtectionEnabled"] = true }),
        });
        prod.Data.Assertions.HasResource("AWS::KMS::Key", new Dictionary<string, object> { ["DeletionPolicy"] = "Retain" });

        dev.Data.Assertions.HasResource("AWS::DynamoDB::Table", new Dictionary<string, object>
        {
            ["DeletionPolicy"] = "Delete",
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object> { ["DeletionProtectionEnabled"] = false }),
        });
        dev.Data.Assertions.HasResource("AWS::KMS::Key", new Dictionary<string, object> { ["DeletionPolicy"] = "Delete" });
    }

    [Fact]
    public void Should_output_the_table_name_when_synthesized()
    {
        var output = prod.Data.Outputs["TableName"]!;

        Assert.Equal(prod.Data.LogicalId("MainTable"), (string?)output["Value"]!["Ref"]);
        Assert.Equal(JsonValue.Create("Notify:Resources:main")!.ToJsonString(), output["Description"]!.ToJsonString());
    }
}
