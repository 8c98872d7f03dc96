using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Notify.Aws.Http;

/// <summary>
/// The retry pipeline of the AWS client layer: throttling, 5xx and transient network errors are retried with
/// exponential backoff and full jitter for a bounded number of attempts; everything else surfaces at once.
/// Cancellation of the caller's token stops the loop (Polly never retries an <see cref="OperationCanceledException"/>).
/// </summary>
public static class AwsResilience
{
    public const string PipelineName = "notify-aws";

    /// <summary>Key under which the pipeline reports the attempt count back to the transport.</summary>
    internal static readonly ResiliencePropertyKey<int> AttemptKey = new("notify.aws.attempt");

    public static ResiliencePipeline CreatePipeline(AwsRetryOptions options)
    {
        var builder = new ResiliencePipelineBuilder { Name = PipelineName };

        // Polly rejects a retry strategy with zero retries, so a single attempt (MaxAttempts = 1) gets none at all.
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                ShouldHandle = new PredicateBuilder()
                    .Handle<AwsServiceException>(e => e.IsRetryable)
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>(),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(FullJitter(options, args.AttemptNumber)),
                OnRetry = args =>
                {
                    AwsTelemetry.Retries.Add(1);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.AddTimeout(options.AttemptTimeout).Build();
    }

    /// <summary>Full jitter ("Exponential Backoff and Jitter", AWS Architecture Blog): uniform in [0, min(cap, base·2^n)].</summary>
    internal static TimeSpan FullJitter(AwsRetryOptions options, int retry)
    {
        var ceiling = Math.Min(options.MaxDelay.TotalMilliseconds, options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}
