namespace Notify.Aws.Tests.Fixtures;

/// <summary>Polls a condition until it holds or a deadline passes: no sleep-and-hope in tests.</summary>
public static class Deadline
{
    public static async Task<T> PollAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        T last;
        do
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < until);

        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last value: {last}");
    }
}
