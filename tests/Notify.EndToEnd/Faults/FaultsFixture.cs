using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Faults;

/// <summary>The API keys the fault suites call with, one per kind of credential, created once the system is up.</summary>
public sealed record CallerKeys(string Read, string Send, string Test, string Revoked);

/// <summary>
/// A system of its own for the fault suites: the fuzzer compares the whole store before and after its run and the crash
/// test holds the first lane send the proxy sees, so no scenario of the shared system may run beside them. Besides the
/// bootstrap admin key it holds a read key, a send key, a test-mode send key and a revoked admin key.
/// </summary>
public sealed class FaultsFixture : EndToEndFixture
{
    // Its own pool: these clients must see redirects and Set-Cookie as they come, and carry only the cookies a test sets.
    private static readonly SocketsHttpHandler PlainHandler = new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        MaxConnectionsPerServer = 32,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    private CallerKeys? _keys;

    public CallerKeys Keys => _keys ?? throw new InvalidOperationException("The faults fixture is not started.");

    /// <summary>A client of the API that follows no redirect and keeps no cookie, without credentials; shared pool, dispose it freely.</summary>
    public HttpClient CreatePlainClient(TimeSpan? timeout = null) =>
        new(PlainHandler, disposeHandler: false) { BaseAddress = ApiUrl, Timeout = timeout ?? TimeSpan.FromSeconds(60) };

    protected override async ValueTask OnStartedAsync()
    {
        var (_, read) = await CreateKeyAsync(["read"]);
        var (_, send) = await CreateKeyAsync(["send"]);
        var (_, test) = await CreateKeyAsync(["send", "read"], mode: "test");
        var (revokedId, revoked) = await CreateKeyAsync(["admin"]);
        using var revoke = await Api.DeleteAsync($"/api/keys/{revokedId}", TestContext.Current.CancellationToken);
        revoke.EnsureSuccessStatusCode();
        _keys = new CallerKeys(read, send, test, revoked);
    }
}

/// <summary>The fault suites run one after another on one <see cref="FaultsFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class FaultsCollection : ICollectionFixture<FaultsFixture>
{
    public const string Name = "faults";
}
