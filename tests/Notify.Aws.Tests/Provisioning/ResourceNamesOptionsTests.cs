using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Notify.Core.Resources;

namespace Notify.Aws.Tests.Provisioning;

/// <summary>How the services learn CloudFormation's physical names: configuration, as the CDK app sets it in the environment.</summary>
public sealed class ResourceNamesOptionsTests
{
    [Fact]
    public void Should_name_resources_from_Notify_Resources_when_the_configuration_overrides_them()
    {
        using var host = Build(new()
        {
            ["Notify:Provisioning:Prefix"] = "notify-dev",
            ["Notify:Resources:high"] = "Messaging-High1.fifo",
            ["Notify:Resources:high_dlq"] = "Messaging-HighDlq2.fifo",
            ["Notify:Resources:main"] = "Data-Main3",
            ["Notify:Resources:ses_feedback"] = "Messaging-SesFeedback4",
        });

        var naming = host.Services.GetRequiredService<ResourceNaming>();

        Assert.Equal("Messaging-High1.fifo", naming.Queue(NotifyResources.HighLane));
        Assert.Equal("Messaging-HighDlq2.fifo", naming.Queue(NotifyResources.HighLaneDlq));
        Assert.Equal("Data-Main3", naming.Table(NotifyResources.MainTable));
        Assert.Equal("Messaging-SesFeedback4", naming.Topic(NotifyResources.SesFeedbackTopic));
        Assert.Equal("notify-dev-low.fifo", naming.Queue(NotifyResources.LowLane));
    }

    [Fact]
    public async Task Should_refuse_to_start_naming_the_key_when_an_override_is_invalid()
    {
        using var host = Build(new() { ["Notify:Resources:low"] = "Messaging-Low" });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Notify:Resources: 'low' is a FIFO queue", e.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Aws:Region"] = "eu-west-1";
        builder.Configuration["Aws:EndpointUrl"] = "http://127.0.0.1:9";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddNotifyAws(builder.Configuration);
        return builder.Build();
    }
}
