using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests;

public sealed class AwsServiceCollectionTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Should_reach_the_configured_endpoint_when_clients_come_from_the_container()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Aws:EndpointUrl"] = moto.Endpoint.ToString();
        builder.Configuration["Aws:Region"] = "eu-west-1";
        builder.Services.AddNotifyAws(builder.Configuration);
        using var host = builder.Build();

        var sqs = host.Services.GetRequiredService<SqsClient>();
        var url = (await sqs.CreateQueueAsync("from-di", TestContext.Current.CancellationToken)).QueueUrl;

        Assert.Contains("from-di", url, StringComparison.Ordinal);
        Assert.Equal(moto.Endpoint, sqs.Transport.Endpoint);
        Assert.Equal("eu-west-1", sqs.Transport.Connection.Region.SystemName);
    }

    [Fact]
    public async Task Should_refuse_to_start_when_the_retry_policy_is_out_of_range()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Aws:EndpointUrl"] = moto.Endpoint.ToString();
        builder.Configuration["Aws:Region"] = "us-east-1";
        builder.Configuration["Aws:Retry:MaxAttempts"] = "0";
        builder.Services.AddNotifyAws(builder.Configuration);
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("MaxAttempts", e.Message, StringComparison.Ordinal);
    }
}
