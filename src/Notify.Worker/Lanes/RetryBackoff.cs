namespace Notify.Worker.Lanes;

/// <summary>Visibility arithmetic of retries: the backoff after a failed handler and SQS's limits on visibility timeouts.</summary>
public static class RetryBackoff
{
    /// <summary>SQS's ceiling on a message's visibility, counted from the receive (extensions included).</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromHours(12);

    public static readonly TimeSpan MaxFailureDelay = TimeSpan.FromMinutes(5);

    /// <summary>
    /// <paramref name="baseDelay"/> (1 s) × 2^(n-1) for the n-th receive, capped at <paramref name="maxDelay"/> (5 min),
    /// scaled into its upper half by <paramref name="jitter"/> (0–1) so the messages of one failing burst do not all come
    /// back together.
    /// </summary>
    public static TimeSpan ForReceiveCount(int receiveCount, double jitter, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jitter, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(jitter, 1);
        var exponent = Math.Clamp(receiveCount, 1, 31) - 1;
        var seconds = Math.Min((baseDelay ?? TimeSpan.FromSeconds(1)).TotalSeconds * Math.Pow(2, exponent), (maxDelay ?? MaxFailureDelay).TotalSeconds);
        return TimeSpan.FromSeconds(seconds * (0.5 + (0.5 * jitter)));
    }

    /// <summary>
    /// The whole seconds to hide a message for <paramref name="delay"/>: rounded up, so a retry never comes back early, and
    /// capped so the total stays within 12 h of the receive (SQS rejects more; a rejected change would leave the message
    /// hidden only for its current lease).
    /// </summary>
    public static int VisibilitySeconds(TimeSpan delay, TimeSpan heldSinceReceive)
    {
        var left = Math.Max(0, (long)Math.Floor((MaxVisibility - heldSinceReceive).TotalSeconds));
        var wanted = Math.Max(0, (long)Math.Ceiling(delay.TotalSeconds));
        return (int)Math.Min(wanted, left);
    }
}
