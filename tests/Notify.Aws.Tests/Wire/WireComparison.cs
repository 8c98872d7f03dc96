using Notify.Aws.Http;

namespace Notify.Aws.Tests.Wire;

/// <summary>
/// One operation called both ways: the JS SDK's <paramref name="Command"/> with <paramref name="Input"/>, and
/// <paramref name="Notify"/>, which makes the same call through Notify's client for the recording server
/// (built from <see cref="RecordingServer.Connection"/>). Errors thrown for the canned answer are expected and ignored.
/// <paramref name="Compare"/> replaces <see cref="WireAssert.Equivalent"/> for a deliberate, documented deviation.
/// </summary>
public sealed record WireCase(
    string Client, string Command, object Input, Func<CancellationToken, Task> Notify, Action<RecordedRequest, RecordedRequest>? Compare = null)
{
    public override string ToString() => $"{Client}.{Command}";
}

/// <summary>Runs wire cases in one Node process, then through Notify, and compares them pairwise.</summary>
public static class WireComparison
{
    /// <summary>
    /// Asserts every case sends a request equivalent to the JS SDK's (see <see cref="WireAssert.Equivalent"/>).
    /// All differences are collected so one run lists every operation that diverges.
    /// </summary>
    public static async Task AssertEquivalentAsync(RecordingServer server, IReadOnlyList<WireCase> cases, CancellationToken cancellationToken)
    {
        server.Clear();
        var report = await JsSdk.RunAsync([.. cases.Select(c => new JsCall(c.Client, c.Command, c.Input, server.Endpoint))], cancellationToken);
        var js = server.Requests;
        // Calls run one after another with one attempt each, so the i-th request belongs to the i-th case.
        Assert.True(js.Count == cases.Count, $"The JS SDK sent {js.Count} requests for {cases.Count} calls:\n{report}");

        var failures = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            server.Clear();
            try
            {
                await cases[i].Notify(cancellationToken);
            }
            catch (AwsServiceException)
            {
                // The canned error answer: the request is what matters.
            }

            var notify = server.Requests;
            try
            {
                Assert.True(notify.Count == 1, $"Notify sent {notify.Count} requests (expected exactly one)");
                if (cases[i].Compare is { } compare)
                {
                    compare(js[i], notify[0]);
                }
                else
                {
                    WireAssert.Equivalent(js[i], notify[0], SigningServiceOf(cases[i].Client));
                }
            }
            catch (Exception e) when (e is Xunit.Sdk.IAssertionException)
            {
                failures.Add($"=== {cases[i]}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} operations differ from the JS SDK:\n{string.Join("\n\n", failures)}");
    }

    // SES v1 and v2 both sign as "ses"; the other clients sign with their own name.
    private static string SigningServiceOf(string client) => client == "sesv2" ? "ses" : client;
}
