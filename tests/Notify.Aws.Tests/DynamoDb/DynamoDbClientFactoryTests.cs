using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Amazon.DynamoDBv2.Model;
using Notify.Aws.DynamoDb;
using Notify.Aws.Http;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.DynamoDb;

public sealed class DynamoDbClientFactoryTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Should_reach_the_local_endpoint_and_count_each_request_when_created_from_a_connection()
    {
        var counted = new ConcurrentQueue<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == AwsTelemetry.Name && instrument.Name == "notify.aws.requests")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var service = tags.ToArray().FirstOrDefault(t => t.Key == "service").Value as string;
            var operation = tags.ToArray().FirstOrDefault(t => t.Key == "operation").Value as string;
            if (service == "DynamoDB")
            {
                counted.Enqueue(operation!);
            }
        });
        listener.Start();

        using var dynamo = DynamoDbClientFactory.Create(moto.Connection);
        var tables = await dynamo.ListTablesAsync(new ListTablesRequest(), TestContext.Current.CancellationToken);

        Assert.NotNull(tables.TableNames);
        Assert.Contains("ListTables", counted);
    }
}
