using System.Net;
using Microsoft.AspNetCore.Hosting;
using Notify.Api.Tests.Fixtures;

namespace Notify.Api.Tests.Platform;

public sealed class ProblemDetailsAndOpenApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Should_publish_an_openapi_document_with_the_bearer_scheme_scopes_and_an_event_example()
    {
        using var client = api.CreateClient(apiKey: null);

        using var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.JsonAsync();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("apiKey");
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var paths = document.GetProperty("paths");
        var post = paths.GetProperty("/api/events").GetProperty("post");
        var example = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.Equal("order-8412-shipped", example.GetProperty("eventId").GetString());
        Assert.Equal("send", post.GetProperty("security")[0].GetProperty("apiKey")[0].GetString());
        Assert.True(paths.GetProperty("/api/keys").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").TryGetProperty("example", out _));
        foreach (var path in (string[])["/api/events/batch", "/api/events/{eventId}", "/api/users/{userId}/preferences", "/api/users/{userId}/contact",
                     "/api/users/{userId}/devices", "/api/users/{userId}/notifications", "/api/templates", "/api/templates/preview",
                     "/api/dead-letters", "/api/dead-letters/redrive", "/api/keys/{id}"])
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        }
    }

    [Fact]
    public async Task Should_answer_problem_details_for_unknown_routes_and_methods()
    {
        using var client = api.CreateClient();

        using var unknown = await client.GetAsync("/api/nothing-here");
        using var method = await client.PatchJsonAsync("/api/events", "{}");

        var problem = await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.True(problem.TryGetProperty("traceId", out _));
        await method.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Should_carry_a_trace_id_and_the_instance_in_every_problem()
    {
        using var client = api.CreateClient();

        using var response = await client.PostJsonAsync("/api/events", "{}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("/api/events", problem.GetProperty("instance").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
    }

    [Theory]
    [InlineData("NOTIFY_ADMIN_KEY", "too-short", "NOTIFY_ADMIN_KEY")]
    [InlineData("Notify:Ingestion:MaxBatchSize", "500", "MaxBatchSize")]
    [InlineData("Notify:ApiKeys:CacheDuration", "00:10:00", "CacheDuration")]
    public void Should_refuse_to_start_when_an_option_is_invalid(string key, string value, string named)
    {
        using var factory = api.Factory.WithWebHostBuilder(web => web.UseSetting(key, value));

        var e = Assert.ThrowsAny<Exception>(() => factory.Server);

        Assert.Contains(named, e.ToString(), StringComparison.Ordinal);
    }
}
