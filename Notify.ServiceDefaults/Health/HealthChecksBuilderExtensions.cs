using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Notify.ServiceDefaults.Health;

/// <summary>Tags of Notify's health checks.</summary>
public static class HealthTags
{
    /// <summary>Liveness: <c>/alive</c> runs only these.</summary>
    public const string Live = "live";

    /// <summary>Readiness; <c>/health</c> runs every check, tagged or not.</summary>
    public const string Ready = "ready";

    /// <summary>Checks of an AWS dependency.</summary>
    public const string Aws = "aws";
}

public static class HealthChecksBuilderExtensions
{
    /// <summary>
    /// A readiness check of one AWS dependency (a queue, a table, SES): <paramref name="probe"/> makes a cheap call
    /// (GetQueueAttributes, DescribeTable, GetAccount…) and throws when the dependency does not answer. Healthy when it
    /// returns; <see cref="HealthCheckRegistration.FailureStatus"/> (unhealthy by default) when it throws or takes longer than
    /// <paramref name="timeout"/>. Results are cached with every readiness check (see <see cref="ReadinessCacheOptions"/>).
    /// </summary>
    public static IHealthChecksBuilder AddAwsReadinessCheck(
        this IHealthChecksBuilder builder,
        string name,
        Func<IServiceProvider, CancellationToken, Task> probe,
        TimeSpan? timeout = null,
        HealthStatus failureStatus = HealthStatus.Unhealthy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(probe);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new ProbeHealthCheck(sp, probe),
            failureStatus,
            [HealthTags.Ready, HealthTags.Aws],
            timeout ?? TimeSpan.FromSeconds(5)));
    }

    private sealed class ProbeHealthCheck(IServiceProvider services, Func<IServiceProvider, CancellationToken, Task> probe) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await probe(services, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The type only: AWS error messages can quote resource names, and probes are answered anonymously.
                return new HealthCheckResult(context.Registration.FailureStatus, $"{context.Registration.Name} did not answer ({e.GetType().Name}).", e);
            }
        }
    }
}
