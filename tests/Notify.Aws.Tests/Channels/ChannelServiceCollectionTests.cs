using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Notify.Aws.Channels;
using Notify.Aws.Channels.Email;
using Notify.Aws.Channels.InApp;
using Notify.Aws.Channels.Push;
using Notify.Aws.Channels.Sms;
using Notify.Core.Delivery;
using Notify.Core.Events;

namespace Notify.Aws.Tests.Channels;

public sealed class ChannelServiceCollectionTests(ChannelsFixture fixture) : IClassFixture<ChannelsFixture>
{
    [Fact]
    public async Task Should_serve_every_port_from_one_singleton_that_sends_through_the_configured_endpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = Build(new() { ["Notify:Sms:MaxSendRate"] = "3.5", ["Notify:Email:MaxSendRate"] = "50" });
        await host.StartAsync(ct);
        var services = host.Services;

        Assert.Same(services.GetRequiredService<SesEmailSender>(), services.GetRequiredService<IEmailSender>());
        Assert.Same(services.GetRequiredService<SnsSmsSender>(), services.GetRequiredService<ISmsSender>());
        Assert.Same(services.GetRequiredService<SnsPushSender>(), services.GetRequiredService<IPushSender>());
        Assert.Same(services.GetRequiredService<SnsInboxNotifier>(), services.GetRequiredService<IInboxNotifier>());
        Assert.Equal(3.5, services.GetRequiredService<IOptions<SmsOptions>>().Value.MaxSendRate);
        var email = services.GetRequiredService<SesEmailSender>();
        Assert.Equal(fixture.SenderIdentity, email.FromAddress);

        Assert.IsType<SendResult.Accepted>(await email.SendAsync(new EmailMessage("ada@example.net", "DI", "text", null, "e-1", Priority.High), ct));
        Assert.IsType<SendResult.Accepted>(await services.GetRequiredService<ISmsSender>().SendAsync(new SmsMessage("+15555550110", "DI", "e-1", Priority.High), ct));
        await host.StopAsync(ct);
    }

    [Theory]
    [InlineData("Notify:Email:FromAddress", "not-an-address", "FromAddress")]
    [InlineData("Notify:Email:MaxSendRate", "0", "MaxSendRate")]
    [InlineData("Notify:Email:MaxQueuedSends", "-1", "MaxQueuedSends")]
    [InlineData("Notify:Sms:MaxSendRate", "0", "MaxSendRate")]
    [InlineData("Notify:Sms:SenderId", "Far too long id", "SenderId")]
    [InlineData("Notify:Sms:SenderId", "123456", "SenderId")]
    [InlineData("Notify:Sms:OriginationNumber", "5555550100", "OriginationNumber")]
    public async Task Should_refuse_to_start_when_an_option_is_invalid(string key, string value, string named)
    {
        using var host = Build(new() { [key] = value });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    private IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Aws:EndpointUrl"] = fixture.Moto.Endpoint.ToString();
        builder.Configuration["Aws:Region"] = "us-east-1";
        builder.Configuration["Notify:Provisioning:Prefix"] = fixture.Naming.Prefix;
        builder.Configuration["Notify:Provisioning:SenderIdentity"] = fixture.SenderIdentity;
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        builder.Services.AddNotifyChannels(builder.Configuration);
        return builder.Build();
    }
}
