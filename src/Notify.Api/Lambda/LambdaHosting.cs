using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Notify.Api.Lambda;

/// <summary>
/// Runs Notify.Api as an AWS Lambda function (custom runtime, <c>provided.al2023</c>, started by <c>Lambda/bootstrap</c>)
/// when <c>AWS_LAMBDA_RUNTIME_API</c> is set, and on Kestrel, unchanged, when it is not. Together with
/// <see cref="LambdaRuntimeServer"/> this replaces Amazon.Lambda.AspNetCoreServer and Amazon.Lambda.RuntimeSupport,
/// which are not in this registry.
/// </summary>
internal static class LambdaHosting
{
    public static IWebHostBuilder UseLambdaRuntimeWhenPresent(this IWebHostBuilder web)
    {
        var endpoint = Environment.GetEnvironmentVariable(LambdaRuntimeClient.EndpointVariable);
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return web;
        }

        var runtime = new LambdaRuntimeClient(endpoint.Trim());
        ReportStartupFailures(runtime);
        return web.UseLambdaRuntime(runtime);
    }

    /// <summary>Serves the Runtime API at <paramref name="runtime"/> instead of listening on a port.</summary>
    public static IWebHostBuilder UseLambdaRuntime(this IWebHostBuilder web, LambdaRuntimeClient runtime) =>
        web.ConfigureServices(services =>
        {
            // Registered as an instance: the container does not dispose it, and the start-up report may run after the container is gone.
            services.AddSingleton(runtime);
            services.TryAddSingleton(TimeProvider.System);
            services.RemoveAll<IServer>();
            services.AddSingleton<IServer, LambdaRuntimeServer>();
        });

    /// <summary>
    /// A start-up failure (options that fail validation, a host that cannot build) escapes <c>Main</c> as an unhandled
    /// exception; before the process dies of it, <c>/init/error</c> tells Lambda why, as the Runtime API asks. After the
    /// first <c>/next</c> the init phase is over and there is nothing to report there.
    /// </summary>
    private static void ReportStartupFailures(LambdaRuntimeClient runtime) =>
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (runtime.HasPolled || e.ExceptionObject is not Exception exception)
            {
                return;
            }

            try
            {
                runtime.PostInitError(LambdaRuntimeError.From(exception), "Runtime.InitError", TimeSpan.FromSeconds(5));
            }
#pragma warning disable CA1031 // The process is going down either way; the exception itself still reaches the log.
            catch (Exception reportFailure)
#pragma warning restore CA1031
            {
                Console.Error.WriteLine($"Could not report the start-up failure to the Lambda Runtime API: {reportFailure.Message}");
            }
        };
}
