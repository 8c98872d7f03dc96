using System.Globalization;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Users;

namespace Notify.Worker.Delivery;

/// <summary>
/// Hands one claimed channel to its provider port. Test-mode events stop here with a simulated acceptance; in-app has no
/// provider (the row reaching <c>sent</c> is the delivery). Push goes to every enabled device of the user: it is sent
/// when any device took it, and a device whose endpoint the provider disabled is deactivated on the way.
/// </summary>
public sealed partial class ChannelDispatcher(
    IEmailSender email, ISmsSender sms, IPushSender push, IUserStore users, TimeProvider time, ILogger<ChannelDispatcher> logger)
{
    public async Task<SendResult> SendAsync(AcceptedEvent accepted, ChannelDecision.Send send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(send);
        if (accepted.Mode == KeyMode.Test)
        {
            return new SendResult.Accepted($"simulated-{Guid.NewGuid():N}", Simulated: true);
        }

        var content = send.Content;
        return send.Channel switch
        {
            Channel.Email => await email.SendAsync(
                new EmailMessage(send.Address!, content.Subject ?? string.Empty, content.Text, content.Html, accepted.EventId, accepted.Priority), cancellationToken),
            Channel.Sms => await sms.SendAsync(new SmsMessage(send.Address!, content.Body ?? string.Empty, accepted.EventId, accepted.Priority), cancellationToken),
            Channel.Push => await PushAsync(accepted, send, cancellationToken),
            Channel.InApp => new SendResult.Accepted(string.Create(CultureInfo.InvariantCulture, $"inbox-{accepted.EventId}")),
            _ => throw new ArgumentOutOfRangeException(nameof(send), send.Channel, "Unknown channel."),
        };
    }

    private async Task<SendResult> PushAsync(AcceptedEvent accepted, ChannelDecision.Send send, CancellationToken cancellationToken)
    {
        var results = new List<SendResult>(send.Devices.Count);
        foreach (var device in send.Devices)
        {
            var result = await push.SendAsync(
                new PushMessage(device.EndpointArn, device.Platform, send.Content.Title, send.Content.Body ?? string.Empty, accepted.EventId, accepted.Priority),
                cancellationToken);
            if (result is SendResult.Rejected { Reason: DeliveryReasons.EndpointDisabled })
            {
                await users.DisableDeviceAsync(accepted.UserId, device.DeviceId, time.GetUtcNow(), cancellationToken);
                LogDeviceDisabled(accepted.UserId, device.DeviceId);
            }

            results.Add(result);
        }

        // One device that took it makes the push sent; otherwise a transient failure (worth retrying) outranks a rejection.
        return results.OfType<SendResult.Accepted>().FirstOrDefault()
            ?? results.OfType<SendResult.Transient>().FirstOrDefault()
            ?? (SendResult?)results.OfType<SendResult.Rejected>().FirstOrDefault()
            ?? new SendResult.Rejected(DeliveryReasons.NoDevice, "No enabled device.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deactivated device {DeviceId} of user {UserId}: the provider disabled its endpoint")]
    private partial void LogDeviceDisabled(string userId, string deviceId);
}
