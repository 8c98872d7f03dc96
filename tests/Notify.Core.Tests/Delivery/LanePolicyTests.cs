using System.Text.RegularExpressions;
using Notify.Core.Events;

namespace Notify.Core.Tests.Delivery;

public sealed partial class LanePolicyTests
{
    private static AcceptedEvent Event(string eventId, int generation = 0, string userId = "user-1")
    {
        var submission = new EventSubmission(eventId, "order.shipped", userId, TestJson.Parse("{}"), Priority.High, null, null, null, null);
        return new AcceptedEvent(submission, Priority.High, KeyMode.Live, "key-1", "hash", DateTimeOffset.UnixEpoch, null, null) { Generation = generation };
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex LowercaseSha256Hex();

    [Fact]
    public void Should_group_by_user_when_mapping_an_event_to_a_lane()
    {
        Assert.Equal("user-42", LanePolicy.GroupId(Event("evt-1", userId: "user-42")));
    }

    [Fact]
    public void Should_use_the_event_id_when_the_generation_is_zero()
    {
        Assert.Equal("evt-1", LanePolicy.DeduplicationId(Event("evt-1")));
    }

    [Fact]
    public void Should_use_the_event_id_unchanged_when_it_is_128_characters_at_generation_zero()
    {
        var id = new string('a', 128);

        Assert.Equal(id, LanePolicy.DeduplicationId(Event(id)));
    }

    [Theory]
    [InlineData(1, "evt-1#1")]
    [InlineData(2, "evt-1#2")]
    [InlineData(12, "evt-1#12")]
    public void Should_suffix_the_generation_when_the_event_was_put_back(int generation, string expected)
    {
        Assert.Equal(expected, LanePolicy.DeduplicationId(Event("evt-1", generation)));
    }

    [Fact]
    public void Should_keep_the_suffix_readable_when_it_still_fits_in_128_characters()
    {
        var id = new string('e', 126);

        Assert.Equal(id + "#1", LanePolicy.DeduplicationId(Event(id, 1)));
    }

    [Fact]
    public void Should_hash_to_64_lowercase_hex_characters_when_the_suffixed_id_would_exceed_128()
    {
        var id = new string('E', 128);

        var dedup = LanePolicy.DeduplicationId(Event(id, 1));

        Assert.Matches(LowercaseSha256Hex(), dedup);
        Assert.True(dedup.Length <= LanePolicy.MaxDeduplicationIdLength);
        Assert.NotEqual(id, dedup);
    }

    [Fact]
    public void Should_hash_stably_when_the_same_long_event_is_enqueued_again_at_the_same_generation()
    {
        var id = new string('x', 127) + "1";

        // Separate instances: the API's enqueue and the sweeper's re-enqueue must compute the same id.
        Assert.Equal(LanePolicy.DeduplicationId(Event(id, 3)), LanePolicy.DeduplicationId(Event(id, 3)));
    }

    [Fact]
    public void Should_hash_differently_when_the_generation_differs()
    {
        var id = new string('y', 128);

        var ids = new[] { 1, 2, 3, 10 }.Select(g => LanePolicy.DeduplicationId(Event(id, g))).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(id, ids);
    }

    [Fact]
    public void Should_hash_differently_when_long_event_ids_differ()
    {
        var first = new string('z', 127) + "1";
        var second = new string('z', 127) + "2";

        Assert.NotEqual(LanePolicy.DeduplicationId(Event(first, 1)), LanePolicy.DeduplicationId(Event(second, 1)));
    }
}
