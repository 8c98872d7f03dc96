using Notify.Core.Events;

namespace Notify.Core.Tests.Events;

public sealed class PriorityResolverTests
{
    private readonly PriorityResolver resolver = new(new Dictionary<string, Priority>
    {
        ["auth.otp"] = Priority.High,
        ["digest.weekly"] = Priority.Low,
    });

    [Theory]
    [InlineData(Priority.Low, "auth.otp", Priority.Low)]
    [InlineData(Priority.High, "digest.weekly", Priority.High)]
    [InlineData(null, "auth.otp", Priority.High)]
    [InlineData(null, "digest.weekly", Priority.Low)]
    [InlineData(null, "order.shipped", Priority.Low)]
    [InlineData(null, "AUTH.OTP", Priority.Low)]
    public void Should_prefer_explicit_then_configured_then_low_when_resolving(Priority? requested, string eventType, Priority expected)
    {
        Assert.Equal(expected, resolver.Resolve(requested, eventType));
    }

    [Fact]
    public void Should_resolve_from_the_submission_when_given_one()
    {
        var submission = new EventSubmission("e", "auth.otp", "u", TestJson.Parse("{}"), null, null, null, null, null);

        Assert.Equal(Priority.High, resolver.Resolve(submission));
        Assert.Equal(Priority.Low, PriorityResolver.Empty.Resolve(submission));
    }
}
