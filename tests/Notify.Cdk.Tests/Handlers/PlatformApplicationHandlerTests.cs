using System.Diagnostics;
using System.Text.Json.Nodes;
using Notify.Cdk.Tests.Fixtures;

namespace Notify.Cdk.Tests.Handlers;

/// <summary>
/// The platform application custom resource's handler (cdk/Handlers/platform-application.js), run by Node with recording
/// stand-ins for the SNS and Secrets Manager clients and a local server as CloudFormation's response URL
/// (platform-application-harness.js): what it calls for each request type and what it answers CloudFormation.
/// </summary>
public sealed class PlatformApplicationHandlerTests
{
    private const string Credential = "-----BEGIN PRIVATE KEY-----\nMIIEv\"quoted\"\n-----END PRIVATE KEY-----\n";

    [Fact]
    public async Task Should_create_the_application_from_the_secret_and_answer_its_arn_when_created()
    {
        var create = (await RunAsync())["create"]!;

        Assert.Equal(["GetSecretValueCommand", "CreatePlatformApplicationCommand"], Commands(create));
        Assert.Equal("arn:secret:fcm", (string?)create["calls"]![0]!["input"]!["SecretId"]);
        var input = create["calls"]![1]!["input"]!;
        Assert.Equal("notify-prod-messaging-fcm", (string?)input["Name"]);
        Assert.Equal("GCM", (string?)input["Platform"]);
        // Multi-line PEM keys and JSON with quotes arrive intact: the secret never went through the template's JSON.
        Assert.Equal(Credential, (string?)input["Attributes"]!["PlatformCredential"]);
        Assert.Equal("TEAM123456", (string?)input["Attributes"]!["ApplePlatformTeamID"]);

        var response = Response(create);
        Assert.Equal("SUCCESS", (string?)response["Status"]);
        Assert.Equal("arn:aws:sns:eu-west-1:111122223333:app/GCM/notify-prod-messaging-fcm", (string?)response["PhysicalResourceId"]);
        Assert.Equal((string?)response["PhysicalResourceId"], (string?)response["Data"]!["Arn"]);
        Assert.Equal(["Fcm", "request", "stack"], new[] { response["LogicalResourceId"], response["RequestId"], response["StackId"] }.Select(n => (string)n!).Order());
        // The pre-signed S3 URL is signed without a content type.
        Assert.Equal("", (string?)create["responses"]![0]!["contentType"]);
    }

    [Fact]
    public async Task Should_update_in_place_for_the_same_name_and_replace_for_a_new_one()
    {
        var transcript = await RunAsync();

        var same = transcript["update-same-name"]!;
        Assert.Equal(["GetSecretValueCommand", "SetPlatformApplicationAttributesCommand"], Commands(same));
        Assert.Equal("arn:secret:fcm2", (string?)same["calls"]![0]!["input"]!["SecretId"]);
        Assert.Equal("arn:aws:sns:eu-west-1:111122223333:app/GCM/notify-prod-messaging-fcm", (string?)Response(same)["PhysicalResourceId"]);

        // A new physical id: CloudFormation then deletes the old application with its own id.
        var renamed = transcript["update-new-name"]!;
        Assert.Equal(["GetSecretValueCommand", "CreatePlatformApplicationCommand"], Commands(renamed));
        Assert.Equal("arn:aws:sns:eu-west-1:111122223333:app/APNS/new", (string?)Response(renamed)["PhysicalResourceId"]);
    }

    [Fact]
    public async Task Should_delete_the_application_and_succeed_without_a_call_when_it_was_never_created()
    {
        var transcript = await RunAsync();

        var delete = transcript["delete"]!;
        Assert.Equal(["DeletePlatformApplicationCommand"], Commands(delete));
        Assert.Equal("SUCCESS", (string?)Response(delete)["Status"]);

        var never = transcript["delete-never-created"]!;
        Assert.Empty(Commands(never));
        Assert.Equal("SUCCESS", (string?)Response(never)["Status"]);
    }

    [Fact]
    public async Task Should_fail_the_resource_with_the_reason_and_no_credential_in_the_log_when_the_secret_is_missing()
    {
        var failed = (await RunAsync())["create-secret-missing"]!;

        Assert.Equal(["GetSecretValueCommand"], Commands(failed));
        var response = Response(failed);
        Assert.Equal("FAILED", (string?)response["Status"]);
        Assert.Equal("ResourceNotFoundException: Secrets Manager can't find the specified secret.", (string?)response["Reason"]);
        // An id a later Delete recognises as never created.
        Assert.Equal("notify-prod-messaging-apns-not-created", (string?)response["PhysicalResourceId"]);
        var log = Assert.Single(failed["logs"]!.AsArray());
        Assert.Equal("Create APNS notify-prod-messaging-apns failed: ResourceNotFoundException: Secrets Manager can't find the specified secret.", (string?)log);
    }

    private static List<string> Commands(JsonNode scenario) => [.. scenario["calls"]!.AsArray().Select(c => (string)c!["command"]!)];

    private static JsonNode Response(JsonNode scenario) => Assert.Single(scenario["responses"]!.AsArray())!["body"]!;

    /// <summary>Every scenario of the harness, by name.</summary>
    private static async Task<Dictionary<string, JsonNode>> RunAsync()
    {
        var harness = Path.Combine(SynthesizedApp.RepositoryRoot, "tests", "Notify.Cdk.Tests", "Handlers", "platform-application-harness.js");
        var handler = Path.Combine(SynthesizedApp.RepositoryRoot, "cdk", "Handlers", "platform-application.js");
        using var node = Process.Start(new ProcessStartInfo("node", [harness, handler]) { RedirectStandardOutput = true, RedirectStandardError = true })
                         ?? throw new InvalidOperationException("node did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var output = node.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = node.StandardError.ReadToEndAsync(timeout.Token);
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"The harness failed (exit {node.ExitCode}): {await errors}");
        return JsonNode.Parse(await output)!.AsArray().ToDictionary(s => (string)s!["name"]!, s => s!);
    }
}
