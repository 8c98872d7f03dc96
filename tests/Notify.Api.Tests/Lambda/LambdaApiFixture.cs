using Notify.Api.Lambda;
using Notify.Api.Tests.Fixtures;
using Notify.Aws.Tests.Fixtures;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Api.Tests.Lambda;

/// <summary>
/// Notify.Api as a Lambda function: the real binary in its own process (<see cref="HostProcess"/>), with
/// <c>AWS_LAMBDA_RUNTIME_API</c> pointing at a <see cref="FakeLambdaRuntime"/>, against the fixture's moto behind its
/// <see cref="FaultProxy"/>. Ready once the function has asked for its first invocation, which is when Lambda
/// considers its init phase over.
/// </summary>
public sealed class LambdaApiFixture : FaultProxiedApiFixture
{
    private FakeLambdaRuntime? _runtime;
    private HostProcess? _function;

    public FakeLambdaRuntime Runtime => _runtime ?? throw new InvalidOperationException("Fixture not started.");

    public HostProcess Function => _function ?? throw new InvalidOperationException("Fixture not started.");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _runtime = await FakeLambdaRuntime.StartAsync();
        _function = StartFunction(_runtime);
        await WaitUntilPollingAsync(_function, _runtime);
    }

    /// <summary>Starts another function process on <paramref name="runtime"/> with the fixture's settings and <paramref name="overrides"/>.</summary>
    public HostProcess StartFunction(FakeLambdaRuntime runtime, params (string Key, string? Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>(ApiSettings)
        {
            [LambdaRuntimeClient.EndpointVariable] = runtime.Endpoint,
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return HostProcess.Start("Notify.Api", settings);
    }

    /// <summary>Invokes the fixture's function; a function that died fails the test with its output.</summary>
    public async Task<InvocationOutcome> InvokeAsync(string eventJson, TimeSpan? timeout = null, string? traceHeader = null)
    {
        Function.ThrowIfExited();
        try
        {
            return await Runtime.InvokeAsync(eventJson, timeout, traceHeader);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} The function's output:{Environment.NewLine}{Function.OutputTail()}", e);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        _function?.Dispose();
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    private static async Task WaitUntilPollingAsync(HostProcess function, FakeLambdaRuntime runtime)
    {
        await Deadline.PollAsync(
            () =>
            {
                function.ThrowIfExited();
                return Task.FromResult(runtime.NextCalls);
            },
            calls => calls > 0,
            TimeSpan.FromSeconds(60),
            $"{function.Name} to ask the Runtime API for its first invocation");
    }
}
