using Amazon;
using Notify.Aws.Http;

namespace Notify.Aws.Tests.Http;

public sealed class AwsConnectionTests
{
    private static readonly Uri Explicit = new("http://explicit:1/");

    [Fact]
    public void Should_use_the_explicit_endpoint_when_one_is_given_even_with_environment_endpoints()
    {
        var env = Env(("AWS_ENDPOINT_URL_SQS", "http://sqs-env:2"), ("AWS_ENDPOINT_URL", "http://global:3"));

        Assert.Equal(Explicit, AwsConnection.ResolveEndpoint(AwsService.Sqs, RegionEndpoint.USEast1, Explicit, env));
    }

    [Fact]
    public void Should_use_the_service_variable_when_both_service_and_global_variables_are_set()
    {
        var env = Env(("AWS_ENDPOINT_URL_SQS", "http://sqs-env:2"), ("AWS_ENDPOINT_URL", "http://global:3"));

        Assert.Equal(new Uri("http://sqs-env:2"), AwsConnection.ResolveEndpoint(AwsService.Sqs, RegionEndpoint.USEast1, null, env));
    }

    [Fact]
    public void Should_use_the_global_variable_when_no_service_variable_is_set()
    {
        var env = Env(("AWS_ENDPOINT_URL_SNS", "http://sns-env:2"), ("AWS_ENDPOINT_URL", "http://global:3"));

        Assert.Equal(new Uri("http://global:3"), AwsConnection.ResolveEndpoint(AwsService.Sqs, RegionEndpoint.USEast1, null, env));
    }

    [Fact]
    public void Should_use_the_regional_endpoint_when_nothing_is_configured()
    {
        Assert.Equal(new Uri("https://sqs.eu-west-1.amazonaws.com/"), AwsConnection.ResolveEndpoint(AwsService.Sqs, RegionEndpoint.EUWest1, null, Env()));
        Assert.Equal(new Uri("https://email.us-east-1.amazonaws.com/"), AwsConnection.ResolveEndpoint(AwsService.SesV2, RegionEndpoint.USEast1, null, Env()));
    }

    [Fact]
    public void Should_prefer_SESV2_over_SES_for_SES_v2_and_only_SES_for_SES_v1()
    {
        var both = Env(("AWS_ENDPOINT_URL_SESV2", "http://sesv2:2"), ("AWS_ENDPOINT_URL_SES", "http://ses:3"));
        var sesOnly = Env(("AWS_ENDPOINT_URL_SES", "http://ses:3"));

        Assert.Equal(new Uri("http://sesv2:2"), AwsConnection.ResolveEndpoint(AwsService.SesV2, RegionEndpoint.USEast1, null, both));
        Assert.Equal(new Uri("http://ses:3"), AwsConnection.ResolveEndpoint(AwsService.SesV2, RegionEndpoint.USEast1, null, sesOnly));
        Assert.Equal(new Uri("http://ses:3"), AwsConnection.ResolveEndpoint(AwsService.Ses, RegionEndpoint.USEast1, null, both));
    }

    [Fact]
    public void Should_ignore_environment_endpoints_but_not_the_explicit_one_when_told_to_ignore_configured_endpoints()
    {
        var env = Env(("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"), ("AWS_ENDPOINT_URL_SQS", "http://sqs-env:2"), ("AWS_ENDPOINT_URL", "http://global:3"));

        Assert.Equal(new Uri("https://sqs.us-east-1.amazonaws.com/"), AwsConnection.ResolveEndpoint(AwsService.Sqs, RegionEndpoint.USEast1, null, env));
        Assert.Equal(Explicit, AwsConnection.ResolveEndpoint(AwsService.Sqs, RegionEndpoint.USEast1, Explicit, env));
    }

    [Fact]
    public void Should_use_the_partition_DNS_suffix_when_the_region_is_in_China()
    {
        Assert.Equal(new Uri("https://sqs.cn-north-1.amazonaws.com.cn/"), AwsConnection.ResolveEndpoint(AwsService.Sqs, RegionEndpoint.CNNorth1, null, Env()));
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
