using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Notify.Aws.Sqs;
using Notify.Core.Resources;

namespace Notify.Aws.Readiness;

/// <summary>
/// Cheap calls that prove an AWS dependency answers, for the services' <c>/health</c> readiness checks: a service is ready
/// when the table and the queues it uses exist and answer, not merely when the process is up.
/// </summary>
public static class AwsReadinessProbes
{
    public static async Task MainTableAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var naming = services.GetRequiredService<ResourceNaming>();
        await services.GetRequiredService<IAmazonDynamoDB>().DescribeTableAsync(naming.Table(NotifyResources.MainTable), cancellationToken);
    }

    public static Task LanesAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        QueuesAsync(services, [NotifyResources.HighLane, NotifyResources.LowLane], cancellationToken);

    public static Task FeedbackAndDeadLettersAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        QueuesAsync(services, [NotifyResources.Feedback, NotifyResources.HighLaneDlq, NotifyResources.LowLaneDlq], cancellationToken);

    private static async Task QueuesAsync(IServiceProvider services, QueueDefinition[] queues, CancellationToken cancellationToken)
    {
        var naming = services.GetRequiredService<ResourceNaming>();
        var sqs = services.GetRequiredService<SqsClient>();
        await Task.WhenAll(queues.Select(q => sqs.GetQueueUrlAsync(naming.Queue(q), cancellationToken)));
    }
}
