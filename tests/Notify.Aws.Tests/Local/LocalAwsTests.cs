using System.Diagnostics;
using Notify.Aws.Local;

namespace Notify.Aws.Tests.Local;

public sealed class LocalAwsTests
{
    [Fact]
    public async Task Should_start_answer_and_leave_no_process_when_disposed()
    {
        var aws = await LocalAws.StartAsync(new LocalAwsOptions(), TestContext.Current.CancellationToken);
        var pid = aws.ProcessId!.Value;
        using (var http = new HttpClient())
        {
            var answer = await http.GetAsync(new Uri(aws.Endpoint, "moto-api/"), TestContext.Current.CancellationToken);
            Assert.True(answer.IsSuccessStatusCode);
        }

        await aws.DisposeAsync();

        Assert.False(ProcessExists(pid), $"moto_server (pid {pid}) is still running after dispose");
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Assert.ThrowsAsync<HttpRequestException>(() => probe.GetAsync(aws.Endpoint, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Should_name_the_fix_when_moto_is_missing_and_no_endpoint_is_given()
    {
        // Through the options, never by changing PATH: the process environment is shared with every test running in
        // parallel (a PATH of /nonexistent here once made a wire test fail to start node).
        var options = new LocalAwsOptions { MotoPython = null, SearchPath = "/nonexistent" };

        var e = await Assert.ThrowsAsync<LocalAwsUnavailableException>(() => LocalAws.StartAsync(options, TestContext.Current.CancellationToken));

        Assert.Contains("moto[server]", e.Message, StringComparison.Ordinal);
        Assert.Contains("LocalStack", e.Message, StringComparison.Ordinal);
    }

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
