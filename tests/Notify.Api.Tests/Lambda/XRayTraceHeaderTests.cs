using Notify.Api.Lambda;

namespace Notify.Api.Tests.Lambda;

public sealed class XRayTraceHeaderTests
{
    [Fact]
    public void Should_turn_the_root_into_the_trace_id_and_the_parent_into_the_span_id()
    {
        // The example of AWS's X-Ray documentation.
        var traceParent = XRayTraceHeader.ToTraceParent("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");

        Assert.Equal("00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01", traceParent);
    }

    [Theory]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0", "00")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", "00")]
    [InlineData("Root=1-5759E988-BD862E3FE1BE46A994272793; Parent=53995C3F42CD8AD8; Sampled=1; Lineage=a87bd80c:1|68fd508a:5", "01")]
    public void Should_follow_the_sampling_decision_and_ignore_case_spaces_and_other_fields(string header, string flags)
    {
        var traceParent = XRayTraceHeader.ToTraceParent(header);

        Assert.Equal($"00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-{flags}", traceParent);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a99427279;Parent=53995c3f42cd8ad8")]
    [InlineData("Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a99427279z;Parent=53995c3f42cd8ad8")]
    [InlineData("Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000")]
    [InlineData("00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01")]
    public void Should_give_no_parent_for_a_missing_or_malformed_header(string? header)
    {
        Assert.Null(XRayTraceHeader.ToTraceParent(header));
    }
}
