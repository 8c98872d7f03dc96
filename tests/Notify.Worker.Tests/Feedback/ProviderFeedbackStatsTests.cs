using Notify.Aws.Sqs;
using Notify.Core.DeadLetters;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Stats;
using Notify.Worker.Feedback;
using Notify.Worker.Lanes;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Worker.Tests.Feedback;

/// <summary>
/// Pure logic, so fakes stand behind the ports: a feedback outcome counts in the per-minute statistics only when it moved
/// the row (the store's forward-only commit applied), so a repeated or late receipt is never counted twice.
/// </summary>
public sealed class ProviderFeedbackStatsTests
{
    private static readonly DateTimeOffset Now = new(2031, 3, 14, 9, 26, 30, TimeSpan.Zero);

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task Should_count_a_bounce_in_its_minute_only_when_it_moved_the_row(bool applied, long counted)
    {
        var stats = new DeliveryStatsAggregator();
        var store = new StubDeliveryStore(applied);
        var handler = new ProviderFeedbackHandler(new NoSuppressions(), store, stats, new FixedTime(Now), Microsoft.Extensions.Logging.Abstractions.NullLogger<ProviderFeedbackHandler>.Instance);

        var disposition = await handler.HandleAsync(Feedback(SesNotifications.Bounce("ses-1", "ada@example.com")), TestContext.Current.CancellationToken);

        Assert.Same(MessageDisposition.Delete, disposition);
        Assert.Single(store.Commits);
        var minutes = stats.TakeAll();
        var bounced = minutes.Where(m => m.Minute == DeliveryMinute.Of(Now))
            .Sum(m => m.Counts.GetValueOrDefault(("email", "bounced")));
        Assert.Equal(counted, bounced);
        Assert.Equal(counted, minutes.Sum(m => m.Total));
    }

    private static LaneMessage Feedback(string body) =>
        new(Priority.Low, "http://queue/feedback", new Message { MessageId = "m-1", ReceiptHandle = "r-1", Body = body }, 1, Now);

    private sealed class StubDeliveryStore(bool applied) : IDeliveryStore
    {
        public List<DeliveryCommit> Commits { get; } = [];

        public Task<ProviderMessageRef?> FindByProviderMessageIdAsync(string providerMessageId, CancellationToken cancellationToken) =>
            Task.FromResult<ProviderMessageRef?>(new ProviderMessageRef(providerMessageId, "evt-1", Channel.Email, "ada", "welcome"));

        public Task<bool> CommitAsync(DeliveryCommit commit, CancellationToken cancellationToken)
        {
            Commits.Add(commit);
            return Task.FromResult(applied);
        }

        public Task<ClaimOutcome> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ReleaseAsync(string eventId, Channel channel, string error, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task MarkDeadLetteredAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class NoSuppressions : ISuppressionStore
    {
        public Task<Suppression?> GetAsync(Channel channel, string address, CancellationToken cancellationToken) => Task.FromResult<Suppression?>(null);

        public Task PutAsync(Suppression suppression, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<Suppression>> ListAsync(int limit, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Suppression>>([]);

        public Task<bool> DeleteAsync(Channel channel, string address, CancellationToken cancellationToken) => Task.FromResult(false);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
