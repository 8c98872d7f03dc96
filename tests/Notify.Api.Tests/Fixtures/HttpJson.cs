using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Notify.Api.Tests.Fixtures;

/// <summary>Small HTTP helpers: raw JSON bodies (malformed ones included) and problem details assertions.</summary>
public static class HttpJson
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, Json(json), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, string json) =>
        client.PutAsync(path, Json(json), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string path, string json) =>
        client.PatchAsync(path, Json(json), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> GetAsync(this HttpClient client, string path) =>
        client.GetAsync(path, TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> DeleteAsync(this HttpClient client, string path) =>
        client.DeleteAsync(path, TestContext.Current.CancellationToken);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

    /// <summary>Asserts an RFC 9457 answer with <paramref name="status"/> and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>Asserts a 400 whose <c>errors</c> name <paramref name="field"/>; returns that field's messages.</summary>
    public static async Task<string[]> AssertFieldErrorAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), $"No 'errors' in {problem}");
        Assert.True(errors.TryGetProperty(field, out var messages), $"'{field}' not named in {errors}");
        var all = messages.EnumerateArray().Select(m => m.GetString()!).ToArray();
        Assert.NotEmpty(all);
        return all;
    }

    public static string NewId(string prefix = "evt") => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A valid event body; <paramref name="extra"/> is spliced in as more members.</summary>
    public static string Event(string eventId, string eventType = "order.shipped", string userId = "user-1", string? extra = null) =>
        $$"""{"eventId":"{{eventId}}","eventType":"{{eventType}}","userId":"{{userId}}","payload":{"orderId":"8412"}{{(extra is null ? "" : "," + extra)}}}""";
}
