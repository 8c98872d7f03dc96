using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Notify.Api.Tests.Fixtures;
using Notify.Core.Stats;

namespace Notify.Api.Tests.Stats;

public sealed class StatsEndpointsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Should_answer_every_minute_of_the_window_oldest_first_with_the_counts_the_workers_added()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = new DateTimeOffset(2031, 3, 14, 9, 26, 53, TimeSpan.Zero);
        await using var factory = api.Factory.WithWebHostBuilder(web => web.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(new FixedTime(now))));
        var store = factory.Services.GetRequiredService<IDeliveryStatsStore>();
        await store.AddAsync(now, new Dictionary<(string, string), long> { [("email", "sent")] = 3, [("email", "failed")] = 1, [("sms", "sent")] = 2 }, ct);
        await store.AddAsync(now.AddMinutes(-2), new Dictionary<(string, string), long> { [("in_app", "sent")] = 4 }, ct);
        await store.AddAsync(now.AddMinutes(-14), new Dictionary<(string, string), long> { [("push", "unknown")] = 1 }, ct);
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFixture.AdminKey);

        using var three = await client.GetAsync("/api/stats/deliveries?minutes=3");
        using var byDefault = await client.GetAsync("/api/stats/deliveries");

        Assert.Equal(HttpStatusCode.OK, three.StatusCode);
        var minutes = (await three.JsonAsync()).GetProperty("minutes").EnumerateArray().ToList();
        Assert.Equal(["2031-03-14T09:24:00Z", "2031-03-14T09:25:00Z", "2031-03-14T09:26:00Z"], minutes.Select(m => m.GetProperty("minute").GetString()));
        Assert.Equal("""{"in_app":{"sent":4}}""", minutes[0].GetProperty("counts").GetRawText());
        Assert.Equal("{}", minutes[1].GetProperty("counts").GetRawText());
        Assert.Equal("""{"email":{"failed":1,"sent":3},"sms":{"sent":2}}""", minutes[2].GetProperty("counts").GetRawText());

        var fifteen = (await byDefault.JsonAsync()).GetProperty("minutes").EnumerateArray().ToList();
        Assert.Equal(15, fifteen.Count);
        Assert.Equal("2031-03-14T09:12:00Z", fifteen[0].GetProperty("minute").GetString());
        Assert.Equal(1, fifteen[0].GetProperty("counts").GetProperty("push").GetProperty("unknown").GetInt32());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("61")]
    [InlineData("many")]
    public async Task Should_answer_400_naming_minutes_when_it_is_not_between_1_and_60(string minutes)
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync($"/api/stats/deliveries?minutes={minutes}");

        await response.AssertFieldErrorAsync("minutes");
    }

    [Fact]
    public async Task Should_answer_401_without_a_key_and_403_to_keys_without_the_admin_scope()
    {
        var (_, readAndSend) = await api.CreateKeyAsync(["read", "send"]);
        using var anonymous = api.CreateClient(apiKey: null);
        using var reader = api.CreateClient(readAndSend);

        using var unauthenticated = await anonymous.GetAsync("/api/stats/deliveries");
        using var forbidden = await reader.GetAsync("/api/stats/deliveries");

        await unauthenticated.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
