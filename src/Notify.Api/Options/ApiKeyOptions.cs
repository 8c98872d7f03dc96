using System.ComponentModel.DataAnnotations;

namespace Notify.Api.Options;

/// <summary>API key authentication (section <c>Notify:ApiKeys</c>; the bootstrap key also from <c>NOTIFY_ADMIN_KEY</c>).</summary>
internal sealed class ApiKeyOptions
{
    public const string SectionName = "Notify:ApiKeys";

    /// <summary>The configuration key of the bootstrap admin key, so it can come from the environment as is.</summary>
    public const string AdminKeyVariable = "NOTIFY_ADMIN_KEY";

    /// <summary>An admin key that needs no table row: the way in before any key exists. Unset means none.</summary>
    [MinLength(24, ErrorMessage = "NOTIFY_ADMIN_KEY must be at least 24 characters: it guards everything.")]
    public string? AdminKey { get; set; }

    /// <summary>
    /// How long a key found in DynamoDB is trusted without asking again. Short, because a revoke made through another
    /// instance takes this long to apply here; unknown keys are never cached, so a new key works at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    [Range(0, 1_000_000)]
    public int CacheCapacity { get; set; } = 10_000;
}
