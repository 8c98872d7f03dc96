using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Notify.Aws.DynamoDb;
using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Users;

namespace Notify.Aws.Tests.Stores;

public sealed class DynamoUserStoreTests(StoresFixture fixture) : IClassFixture<StoresFixture>
{
    private StoreEnvironment Env => fixture.Shared;

    [Fact]
    public async Task Should_load_contact_preferences_devices_and_unread_count_in_one_request_when_the_profile_is_read()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = StoreSamples.NewId("user");
        var now = DateTimeOffset.UtcNow;
        var writer = new DynamoUserStore(Env.Dynamo, Env.Naming);
        await writer.PutContactAsync(user, new Contact("jane@example.com", "+15550100100", "en-GB", "Europe/London", now), ct);
        await writer.PutPreferencesAsync(user, Preferences.Default with { Channels = new Dictionary<Channel, bool> { [Channel.Sms] = false } }, now, ct);
        await writer.PutDeviceAsync(user, new Device("d1", PushPlatform.Fcm, "token-1", "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/app/1", true, now), ct);
        await writer.PutDeviceAsync(user, new Device("d2", PushPlatform.ApnsSandbox, "token-2", "arn:aws:sns:us-east-1:123456789012:endpoint/APNS_SANDBOX/app/2", false, now), ct);
        await Env.NotificationStore().UpsertAsync(StoreSamples.Notification(StoreSamples.NewId(), Channel.InApp, user, NotificationStatus.Sent, now), ct);

        using var counted = DynamoDbClientFactory.Create(Env.Moto.Connection);
        var requests = new List<string>();
        ((AmazonServiceClient)counted).BeforeRequestEvent += (_, e) => requests.Add(((WebServiceRequestEventArgs)e).Request.GetType().Name);
        var profile = await new DynamoUserStore(counted, Env.Naming).GetProfileAsync(user, ct);

        Assert.Equal(["QueryRequest"], requests);
        Assert.Equal("jane@example.com", profile.Contact?.Email);
        Assert.Equal("Europe/London", profile.Contact?.TimeZone);
        Assert.False(profile.Preferences.IsDefault);
        Assert.False(profile.Preferences.Allows("order.shipped", Channel.Sms));
        Assert.True(profile.Preferences.Allows("order.shipped", Channel.Email));
        Assert.Equal(["d1", "d2"], profile.Devices.Select(d => d.DeviceId));
        Assert.Equal(PushPlatform.ApnsSandbox, profile.Devices[1].Platform);
        Assert.False(profile.Devices[1].Enabled);
        Assert.Equal(1, profile.UnreadCount);
    }

    [Fact]
    public async Task Should_answer_defaults_for_an_unknown_user_and_store_preferences_with_overrides_and_quiet_hours()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new DynamoUserStore(Env.Dynamo, Env.Naming);
        var user = StoreSamples.NewId("user");
        var now = DateTimeOffset.UtcNow;

        var defaults = await store.GetPreferencesAsync(user, ct);
        var empty = await store.GetProfileAsync(user, ct);
        var stored = await store.PutPreferencesAsync(
            user,
            new Preferences(
                new Dictionary<Channel, bool> { [Channel.Email] = true, [Channel.Push] = false },
                new Dictionary<string, IReadOnlyDictionary<Channel, bool>> { ["marketing.weekly"] = new Dictionary<Channel, bool> { [Channel.Email] = false } },
                new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 30), "America/New_York"),
                IsDefault: true,
                UpdatedAt: null),
            now,
            ct);
        var read = await store.GetPreferencesAsync(user, ct);

        Assert.True(defaults.IsDefault);
        Assert.All(Enum.GetValues<Channel>(), c => Assert.True(defaults.Allows("any", c)));
        Assert.Null(empty.Contact);
        Assert.True(empty.Preferences.IsDefault);
        Assert.Empty(empty.Devices);
        Assert.False(stored.IsDefault);
        Assert.Equal(now, stored.UpdatedAt);
        Assert.False(read.IsDefault);
        Assert.Equal(now, read.UpdatedAt);
        Assert.False(read.Allows("order.shipped", Channel.Push));
        Assert.False(read.Allows("marketing.weekly", Channel.Email));
        Assert.True(read.Allows("order.shipped", Channel.Email));
        Assert.Equal(new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 30), "America/New_York"), read.QuietHours);
    }

    [Fact]
    public async Task Should_put_get_and_delete_a_contact()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new DynamoUserStore(Env.Dynamo, Env.Naming);
        var user = StoreSamples.NewId("user");
        var contact = new Contact(null, "+447700900123", "en-GB", null, DateTimeOffset.UtcNow);

        Assert.Null(await store.GetContactAsync(user, ct));
        await store.PutContactAsync(user, contact, ct);
        Assert.Equal(contact, await store.GetContactAsync(user, ct));
        Assert.True(await store.DeleteContactAsync(user, ct));
        Assert.False(await store.DeleteContactAsync(user, ct));
        Assert.Null(await store.GetContactAsync(user, ct));
    }

    [Fact]
    public async Task Should_list_and_delete_devices_returning_the_deleted_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new DynamoUserStore(Env.Dynamo, Env.Naming);
        var user = StoreSamples.NewId("user");
        var now = DateTimeOffset.UtcNow;
        var phone = new Device("phone", PushPlatform.Apns, "apns-token", "arn:aws:sns:us-east-1:123456789012:endpoint/APNS/app/p", true, now);
        var tablet = new Device("tablet", PushPlatform.Fcm, "fcm-token", "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/app/t", true, now);
        await store.PutDeviceAsync(user, phone, ct);
        await store.PutDeviceAsync(user, tablet, ct);
        await store.PutContactAsync(user, new Contact("a@example.com", null, null, null, now), ct);

        Assert.Equal([phone, tablet], await store.ListDevicesAsync(user, ct));
        Assert.Equal(phone, await store.DeleteDeviceAsync(user, "phone", ct));
        Assert.Null(await store.DeleteDeviceAsync(user, "phone", ct));
        Assert.Equal([tablet], await store.ListDevicesAsync(user, ct));
    }
}
