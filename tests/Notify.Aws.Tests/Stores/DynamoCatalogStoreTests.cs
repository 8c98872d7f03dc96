using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Notify.Aws.DynamoDb;
using Notify.Core;
using Notify.Core.DeadLetters;
using Notify.Core.Events;
using Notify.Core.Keys;
using Notify.Core.Templates;

namespace Notify.Aws.Tests.Stores;

/// <summary>Templates, API keys, dead letters and the suppression list: the stores the API manages and the worker reads.</summary>
public sealed class DynamoCatalogStoreTests(StoresFixture fixture) : IClassFixture<StoresFixture>
{
    private StoreEnvironment Env => fixture.Shared;

    [Fact]
    public async Task Should_store_templates_per_event_type_channel_and_locale()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new DynamoTemplateStore(Env.Dynamo, Env.Naming);
        var type = StoreSamples.NewId("type");
        var other = StoreSamples.NewId("type");
        var now = DateTimeOffset.UtcNow;
        var emailEn = new Template(type, Channel.Email, "en", "Hi {{name}}", "Text", "<p>{{name}}</p>", null, null, now);
        var emailFr = new Template(type, Channel.Email, "fr", "Salut", "Texte", null, null, null, now);
        var sms = new Template(type, Channel.Sms, "en", null, null, null, null, "Code {{code}}", now);
        var push = new Template(other, Channel.Push, "en", null, null, null, "Title", "Body", now);
        foreach (var t in new[] { emailEn, emailFr, sms, push })
        {
            await store.PutAsync(t, ct);
        }

        await store.PutAsync(emailEn with { Subject = "Hello {{name}}" }, ct);

        Assert.Equal(emailEn with { Subject = "Hello {{name}}" }, await store.GetAsync(type, Channel.Email, "en", ct));
        Assert.Null(await store.GetAsync(type, Channel.Push, "en", ct));
        Assert.Equal(3, (await store.ListForEventTypeAsync(type, ct)).Count);
        var all = (await store.ListAsync(ct)).Where(t => t.EventType == type || t.EventType == other).ToList();
        Assert.Equal(4, all.Count);
        Assert.Equal(all.OrderBy(t => t.EventType, StringComparer.Ordinal).ThenBy(t => t.Channel.ToString(), StringComparer.Ordinal), all);
        Assert.True(await store.DeleteAsync(type, Channel.Email, "fr", ct));
        Assert.False(await store.DeleteAsync(type, Channel.Email, "fr", ct));
        Assert.Equal(2, (await store.ListForEventTypeAsync(type, ct)).Count);
    }

    [Fact]
    public async Task Should_find_a_key_by_its_secret_hash_list_keys_newest_first_and_revoke_by_id()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new DynamoApiKeyStore(Env.Dynamo, Env.Naming);
        var now = DateTimeOffset.UtcNow;
        var older = new ApiKey(StoreSamples.NewId("key"), "ci", ApiScopes.Send | ApiScopes.Read, KeyMode.Test, now, null);
        var newer = new ApiKey(StoreSamples.NewId("key"), "admin", ApiScopes.Admin, KeyMode.Live, now.AddSeconds(1), null);
        var olderHash = SHA256.HashData(Encoding.UTF8.GetBytes("secret-" + older.Id));
        var newerHash = SHA256.HashData(Encoding.UTF8.GetBytes("secret-" + newer.Id));
        await store.CreateAsync(older, olderHash, ct);
        await store.CreateAsync(newer, newerHash, ct);

        Assert.Equal(older, await store.FindByHashAsync(olderHash, ct));
        Assert.Equal(ApiScopes.Admin, (await store.FindByHashAsync(newerHash, ct))?.Scopes);
        Assert.Null(await store.FindByHashAsync(SHA256.HashData("unknown"u8), ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CreateAsync(older with { Id = "dup" }, olderHash, ct));

        var listed = (await store.ListAsync(ct)).Where(k => k.Id == older.Id || k.Id == newer.Id).ToList();
        Assert.Equal([newer.Id, older.Id], listed.Select(k => k.Id));

        Assert.True(await store.RevokeAsync(older.Id, now.AddMinutes(1), ct));
        Assert.True(await store.RevokeAsync(older.Id, now.AddMinutes(2), ct));
        Assert.False(await store.RevokeAsync("no-such-key", now, ct));
        var revoked = await store.FindByHashAsync(olderHash, ct);
        Assert.True(revoked?.IsRevoked);
        Assert.Equal(now.AddMinutes(1), revoked?.RevokedAt);
        Assert.False((await store.FindByHashAsync(newerHash, ct))?.IsRevoked);
    }

    [Fact]
    public async Task Should_keep_dead_letters_with_their_event_and_list_them_newest_first()
    {
        var ct = TestContext.Current.CancellationToken;
        var env = await fixture.NewEnvironmentAsync();
        var store = new DynamoDeadLetterStore(env.Dynamo, env.Naming, Microsoft.Extensions.Options.Options.Create(new DynamoStoreOptions()));
        var now = DateTimeOffset.UtcNow;
        var accepted = StoreSamples.Event();
        var body = JsonSerializer.Serialize(accepted, NotifyJson.Options);
        var errors = new Dictionary<string, string> { ["email"] = "Throttling" };
        var fromBody = new DeadLetter("dl-1", accepted.EventId, Priority.Low, accepted, body, 5, errors, now, now.AddSeconds(1));
        var unparsable = new DeadLetter("dl-2", "unknown", Priority.High, null, "{not json", 5, new Dictionary<string, string>(), now, now.AddSeconds(2));
        var separate = new DeadLetter("dl-3", accepted.EventId, Priority.High, accepted, "{\"legacy\":true}", 6, errors, now, now.AddSeconds(3));
        foreach (var d in new[] { fromBody, unparsable, separate })
        {
            await store.PutAsync(d, ct);
        }

        var listed = await store.ListAsync(2, ct);
        var first = await store.GetAsync("dl-1", ct);

        Assert.Equal(["dl-3", "dl-2"], listed.Select(d => d.Id));
        Assert.Equal(accepted.EventId, first?.Event?.EventId);
        Assert.Equal(body, first?.RawBody);
        Assert.Equal("Throttling", first?.LastErrors["email"]);
        Assert.Null(listed[1].Event);
        Assert.Equal(accepted.BodyHash, listed[0].Event?.BodyHash);
        Assert.Equal("{\"legacy\":true}", listed[0].RawBody);
        Assert.True(await store.DeleteAsync("dl-1", ct));
        Assert.False(await store.DeleteAsync("dl-1", ct));
        Assert.Null(await store.GetAsync("dl-1", ct));
        env.Dispose();
    }

    [Fact]
    public async Task Should_match_suppressed_addresses_in_any_spelling()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new DynamoSuppressionStore(Env.Dynamo, Env.Naming);
        var now = DateTimeOffset.UtcNow;
        var local = StoreSamples.NewId("jane");
        await store.PutAsync(new Suppression(Channel.Email, $"  {local.ToUpperInvariant()}@Example.COM ", "bounce", now), ct);
        await store.PutAsync(new Suppression(Channel.Sms, "+1 (555) 010-0199", "opt-out", now.AddSeconds(1)), ct);

        var email = await store.GetAsync(Channel.Email, $"{local}@example.com", ct);
        var phone = await store.GetAsync(Channel.Sms, "0015550100199", ct);

        Assert.Equal($"{local}@example.com", email?.Address);
        Assert.Equal("bounce", email?.Reason);
        Assert.Equal("+15550100199", phone?.Address);
        Assert.Null(await store.GetAsync(Channel.Sms, "+15550100198", ct));
        Assert.Null(await store.GetAsync(Channel.Push, $"{local}@example.com", ct));
        var listed = (await store.ListAsync(100, ct)).Where(s => s.Address == email?.Address || s.Address == "+15550100199").ToList();
        Assert.Equal([Channel.Sms, Channel.Email], listed.Select(s => s.Channel));
        Assert.True(await store.DeleteAsync(Channel.Email, $"{local}@EXAMPLE.com", ct));
        Assert.Null(await store.GetAsync(Channel.Email, $"{local}@example.com", ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(new Suppression(Channel.Sms, "555-CALL-NOW", "x", now), ct));
    }
}
