using Notify.Aws.Http;
using Notify.Aws.Local;

namespace Notify.Aws.Tests.Fixtures;

/// <summary>
/// A real moto_server on an ephemeral loopback port for one test class (xunit class fixture), so classes
/// run in parallel without sharing state. <see cref="ResetAsync"/> clears it between tests that need a clean slate.
/// Set NOTIFY_TEST_AWS_ENDPOINT to run against an already running endpoint (LocalStack) instead.
/// </summary>
public sealed class MotoFixture : IAsyncLifetime
{
    private LocalAws? _aws;

    public LocalAws Aws => _aws ?? throw new InvalidOperationException("Fixture not started.");

    public AwsConnection Connection => Aws.Connection;

    public Uri Endpoint => Aws.Endpoint;

    public async ValueTask InitializeAsync()
    {
        var given = Environment.GetEnvironmentVariable("NOTIFY_TEST_AWS_ENDPOINT");
        _aws = await LocalAws.StartAsync(new LocalAwsOptions { Endpoint = string.IsNullOrEmpty(given) ? null : new Uri(given) });
    }

    public Task ResetAsync() => Aws.ResetAsync();

    public async ValueTask DisposeAsync()
    {
        if (_aws is not null)
        {
            await _aws.DisposeAsync();
        }
    }
}
