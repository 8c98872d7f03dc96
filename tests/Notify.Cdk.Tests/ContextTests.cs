using Amazon.CDK;
using Notify.Cdk.Tests.Fixtures;

namespace Notify.Cdk.Tests;

/// <summary>Context is validated before anything is built, and a mistake names the key.</summary>
public sealed class ContextTests
{
    [Theory]
    [InlineData("stage", "staging", "CDK context 'stage' must be dev or prod; got 'staging'.")]
    [InlineData("apiHosting", "ec2", "CDK context 'apiHosting' must be lambda or fargate; got 'ec2'.")]
    [InlineData("prometheus", "yes", "CDK context 'prometheus' must be true or false; got 'yes'.")]
    [InlineData("senderDomain", "not a domain", "CDK context 'senderDomain' must be a domain name; got 'not a domain'.")]
    [InlineData("fcmSecretArn", "arn:aws:s3:::bucket", "CDK context 'fcmSecretArn' must be a Secrets Manager secret ARN; got 'arn:aws:s3:::bucket'.")]
    [InlineData("apnsSandboxSecretArn", "notify/apns", "CDK context 'apnsSandboxSecretArn' must be a Secrets Manager secret ARN; got 'notify/apns'.")]
    [InlineData("alarmEmail", "oncall", "CDK context 'alarmEmail' must be an email address; got 'oncall'.")]
    public void Should_refuse_to_synthesize_naming_the_key_when_a_context_value_is_invalid(string key, string value, string message)
    {
        var app = new App(new AppProps { Context = SynthesizedApp.Context(new Dictionary<string, object> { [key] = value }) });

        var e = Assert.Throws<ArgumentException>(() => DeploymentSettings.FromContext(app.Node));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(key, e.ParamName);
    }

    [Fact]
    public void Should_read_cdk_json_defaults_and_the_secret_of_each_platform_when_given()
    {
        var app = new App(new AppProps
        {
            Context = SynthesizedApp.Context(new Dictionary<string, object>
            {
                ["apnsSandboxSecretArn"] = "arn:aws:secretsmanager:us-east-1:111122223333:secret:sandbox-AbCdEf",
                ["account"] = "111122223333",
                ["region"] = "us-east-1",
            }),
        });

        var settings = DeploymentSettings.FromContext(app.Node);

        Assert.Equal("dev", settings.Stage.Name);
        Assert.Equal("example.com", settings.SenderDomain);
        Assert.Equal(ApiHosting.Lambda, settings.ApiHosting);
        Assert.False(settings.Prometheus);
        Assert.Equal(["apns-sandbox"], settings.PlatformSecretArns.Keys);
        Assert.Equal(new Dictionary<string, string> { ["fcm"] = "fcmSecretArn", ["apns"] = "apnsSecretArn", ["apns-sandbox"] = "apnsSandboxSecretArn" }, DeploymentSettings.SecretContextKeys);
        Assert.Equal(("111122223333", "us-east-1"), (settings.Environment!.Account, settings.Environment.Region));
        Assert.Equal("notify-dev", settings.ResourcePrefix);
    }
}
