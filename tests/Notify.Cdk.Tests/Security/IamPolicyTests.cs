using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Notify.Cdk.Tests.Fixtures;
using Notify.Core.Resources;

namespace Notify.Cdk.Tests.Security;

/// <summary>
/// Least privilege, checked on every statement of every role in every stack of every synthesized variant: no <c>*</c>
/// action, no service-wide <c>svc:*</c>, and a <c>*</c> resource only for an action AWS authorizes on nothing narrower,
/// for the role that calls it, each exception named below with its reason.
/// </summary>
[Collection(SynthesizedApps.Name)]
[Trait("Category", "Slow")]
public sealed class IamPolicyTests(DevApp dev, ProdApp prod, VariantApp variant)
{
    /// <summary>Action → (the roles allowed it on <c>*</c>, by logical id prefix; why AWS requires <c>*</c>).</summary>
    private static readonly Dictionary<string, (string[] Roles, string Reason)> StarResourceAllowed = new(StringComparer.Ordinal)
    {
        ["ecr:GetAuthorizationToken"] = (["WorkerTaskExecutionRole", "ApiServiceTaskDefExecutionRole"],
            "ECR's registry login is account-wide and takes no resource; ECS needs it to pull the service images (CDK's image grant)"),
        ["ses:GetAccount"] = (["WorkerTaskRole"],
            "SES account attributes have no ARN; the worker reads its send rate from them (SendRate)"),
        ["sns:Publish"] = (["WorkerTaskRole"],
            "an SMS goes to a phone number, which has no ARN (topic and endpoint publishes are scoped in their own statements)"),
        ["sns:CheckIfPhoneNumberIsOptedOut"] = (["WorkerTaskRole"],
            "takes a phone number, which has no ARN"),
        ["sqs:ListQueues"] = (["ApiTaskRole"],
            "ListQueues takes no resource; the inbox sweeper lists the {prefix}-inbox-* queues dead instances left (Fargate hosting only)"),
        ["sns:CreatePlatformApplication"] = (["PlatformApplicationsHandlerRole"],
            "the application does not exist yet; SNS authorizes its creation on no resource"),
    };

    [Fact]
    public void Should_never_grant_every_action_in_any_role_policy()
    {
        var statements = Statements().ToList();

        Assert.NotEmpty(statements);
        Assert.All(statements, s => Assert.All(s.Actions, a =>
        {
            Assert.NotEqual("*", a);
            Assert.False(a.EndsWith(":*", StringComparison.Ordinal), $"{s.Where} grants every action of a service: {a}");
        }));
    }

    [Fact]
    public void Should_grant_a_star_resource_only_for_the_named_actions_that_need_it()
    {
        var starred = Statements().Where(s => s.Resources.Contains("*")).ToList();

        Assert.NotEmpty(starred);
        foreach (var statement in starred)
        {
            foreach (var action in statement.Actions)
            {
                Assert.True(StarResourceAllowed.TryGetValue(action, out var allowed), $"{statement.Where}: {action} on * is not in the allow-list");
                Assert.True(
                    statement.Roles.All(r => allowed.Roles.Any(p => r.StartsWith(p, StringComparison.Ordinal))),
                    $"{statement.Where}: {action} on * is allowed for {string.Join(", ", allowed.Roles)} ({allowed.Reason}), not {string.Join(", ", statement.Roles)}");
            }
        }

        // Every exception is still needed somewhere: a stale entry would hide a future mistake.
        Assert.Equal(StarResourceAllowed.Keys.Order(), starred.SelectMany(s => s.Actions).Distinct().Order());
    }

    [Fact]
    public void Should_attach_no_managed_policy_to_any_role()
    {
        var roles = Apps.SelectMany(a => a.Templates).SelectMany(t => t.OfType("AWS::IAM::Role")).ToList();

        Assert.NotEmpty(roles);
        Assert.All(roles, r => Assert.Null(r.Resource["Properties"]!["ManagedPolicyArns"]));
    }

    [Fact]
    public void Should_scope_the_api_to_what_it_calls_when_hosted_on_lambda()
    {
        var api = ActionsOf(prod, "ApiFunctionRole");

        Assert.Equal(
            [
                "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable",
                "dynamodb:GetItem", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan",
                "dynamodb:UpdateItem",
                "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*",
                "logs:CreateLogStream", "logs:PutLogEvents",
                "sns:CreateTopic", "sns:Publish",
                "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage",
            ],
            api.Keys.Order());
        // Sends go to the lanes only; the DLQs and the feedback queue are only read for their depth.
        Assert.Equal(["HighQueue", "LowQueue"], Targets(api["sqs:SendMessage"]));
        Assert.Equal(["FeedbackQueue", "HighDlqQueue", "HighQueue", "LowDlqQueue", "LowQueue"], Targets(api["sqs:GetQueueAttributes"]));
        Assert.Equal(["InboxEventsTopic"], Targets(api["sns:Publish"]));
        Assert.Equal(["InboxEventsTopic"], Targets(api["sns:CreateTopic"]));
    }

    [Fact]
    public void Should_scope_the_worker_to_what_it_calls_when_synthesized()
    {
        var worker = ActionsOf(prod, "WorkerTaskRole");

        Assert.Equal(["HighQueue", "LowQueue"], Targets(worker["sqs:SendMessage"]));
        Assert.Equal(["FeedbackQueue", "HighDlqQueue", "HighQueue", "LowDlqQueue", "LowQueue"], Targets(worker["sqs:ReceiveMessage"]));
        Assert.Equal(["FeedbackQueue", "HighDlqQueue", "HighQueue", "LowDlqQueue", "LowQueue"], Targets(worker["sqs:ChangeMessageVisibility"]));
        Assert.Equal(["FeedbackQueue", "HighDlqQueue", "HighQueue", "LowDlqQueue", "LowQueue"], Targets(worker["sqs:DeleteMessage"]));
        Assert.Equal(["InboxEventsTopic"], Targets(worker["sns:CreateTopic"]));
        Assert.Contains("*", worker["sns:Publish"].Select(r => r.ToJsonString().Trim('"')));
        Assert.Contains(worker["sns:Publish"], r => r.ToJsonString().Contains("InboxEventsTopic", StringComparison.Ordinal));

        var sendEmail = string.Join(" ", worker["ses:SendEmail"].Select(r => r.ToJsonString()));
        Assert.Contains(":identity/example.com", sendEmail, StringComparison.Ordinal);
        Assert.Contains(":configuration-set/", sendEmail, StringComparison.Ordinal);
        Assert.Contains("ConfigurationSet", sendEmail, StringComparison.Ordinal);
        Assert.Equal(2, worker["ses:SendEmail"].Count);
        Assert.DoesNotContain("sqs:CreateQueue", worker.Keys);
    }

    [Fact]
    public void Should_scope_push_and_the_live_inbox_to_their_arns_when_platforms_and_fargate_are_configured()
    {
        var api = ActionsOf(variant, "ApiTaskRole");
        var worker = ActionsOf(variant, "WorkerTaskRole");

        // Devices register with the platform applications the custom resources created, and are kept under them.
        Assert.Equal(["PlatformApplicationsApns", "PlatformApplicationsFcm"], Targets(api["sns:CreatePlatformEndpoint"]));
        var endpoints = string.Join(" ", api["sns:DeleteEndpoint"].Select(r => r.ToJsonString()));
        Assert.Contains($":endpoint/GCM/{variant.Messaging.Name}-fcm/*", endpoints, StringComparison.Ordinal);
        Assert.Contains($":endpoint/APNS/{variant.Messaging.Name}-apns/*", endpoints, StringComparison.Ordinal);
        Assert.DoesNotContain("APNS_SANDBOX", endpoints, StringComparison.Ordinal);
        Assert.Contains(worker["sns:Publish"], r => r.ToJsonString().Contains($":endpoint/GCM/{variant.Messaging.Name}-fcm/*", StringComparison.Ordinal));

        // Each API instance's inbox queue: only names under the prefix the instances use.
        var prefix = new ResourceNaming("notify-prod").InstanceQueuePrefix(NotifyResources.InboxInstanceQueue);
        Assert.All(
            new[] { "sqs:CreateQueue", "sqs:DeleteQueue", "sqs:TagQueue", "sqs:SetQueueAttributes", "sqs:ReceiveMessage" },
            a => Assert.Contains(api[a], r => r.ToJsonString().EndsWith($":{prefix}*\"]]}}", StringComparison.Ordinal)));
        Assert.Equal(["InboxEventsTopic"], Targets(api["sns:Subscribe"]));

        // The platform handler reads exactly the secrets named in context.
        var handler = ActionsOf(variant, "PlatformApplicationsHandlerRole");
        Assert.Equal([VariantApp.ApnsSecretArn, VariantApp.FcmSecretArn], handler["secretsmanager:GetSecretValue"].Select(r => (string)r!).Order());
        Assert.All(handler["sns:DeletePlatformApplication"], r => Assert.Contains(":app/", r.ToJsonString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Should_let_the_collector_write_only_to_its_workspace_and_log_group_when_prometheus_is_on()
    {
        foreach (var role in new[] { "WorkerTaskRole", "ApiTaskRole" })
        {
            var actions = ActionsOf(variant, role);
            Assert.Equal(["Prometheus"], Targets(actions["aps:RemoteWrite"]));
        }

        Assert.Equal(["WorkerDeliveryMetrics"], Targets(ActionsOf(variant, "WorkerTaskRole")["logs:PutLogEvents"]));
        Assert.DoesNotContain("aps:RemoteWrite", ActionsOf(prod, "WorkerTaskRole").Keys);
    }

    private IEnumerable<SynthesizedApp> Apps => [dev, prod, variant];

    /// <summary>Every statement of every identity policy (AWS::IAM::Policy and inline role policies) of every app.</summary>
    private IEnumerable<PolicyStatement> Statements() =>
        from app in Apps
        from template in app.Templates
        from statement in StatementsOf(template)
        select statement;

    private static IEnumerable<PolicyStatement> StatementsOf(StackTemplate template)
    {
        foreach (var (id, policy) in template.OfType("AWS::IAM::Policy"))
        {
            var roles = policy["Properties"]!["Roles"]!.AsArray().Select(r => (string)r!["Ref"]!).ToList();
            foreach (var statement in policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
            {
                yield return PolicyStatement.From($"{template.Name}/{id}", roles, statement!);
            }
        }

        foreach (var (id, role) in template.OfType("AWS::IAM::Role"))
        {
            foreach (var inline in role["Properties"]!["Policies"]?.AsArray() ?? [])
            {
                foreach (var statement in inline!["PolicyDocument"]!["Statement"]!.AsArray())
                {
                    yield return PolicyStatement.From($"{template.Name}/{id}", [id], statement!);
                }
            }
        }
    }

    /// <summary>Action → every resource granted it, for the role whose logical id starts with <paramref name="role"/>.</summary>
    private static Dictionary<string, List<JsonNode>> ActionsOf(SynthesizedApp app, string role)
    {
        var actions = new Dictionary<string, List<JsonNode>>(StringComparer.Ordinal);
        foreach (var statement in app.Templates.SelectMany(StatementsOf).Where(s => s.Roles.Any(r => r.StartsWith(role, StringComparison.Ordinal))))
        {
            foreach (var action in statement.Actions)
            {
                if (!actions.TryGetValue(action, out var resources))
                {
                    actions[action] = resources = [];
                }

                resources.AddRange(statement.ResourceNodes);
            }
        }

        Assert.NotEmpty(actions);
        return actions;
    }

    /// <summary>The construct each resource reference points at (logical id without its hash), for readable assertions.</summary>
    private static List<string> Targets(IEnumerable<JsonNode> resources) =>
        [.. resources.Select(r => r.ToJsonString()).Select(Construct).Distinct().Order()];

    private static string Construct(string reference)
    {
        // Fn::ImportValue "notify-prod-messaging:ExportsOutputFnGetAttHighQueueF7CC6383Arn...", Fn::GetAtt/Ref "WorkerLogs4B5B6506",
        // or a top-level L1 resource, whose logical id is its construct id ("Prometheus").
        var hashed = Regex.Match(reference, @"(?:ExportsOutput(?:FnGetAtt|Ref)|""Ref"":""|GetAtt"":\["")([A-Za-z]+?)[0-9A-F]{8}");
        var plain = Regex.Match(reference, @"(?:""Ref"":""|GetAtt"":\["")([A-Za-z]+)""");
        return hashed.Success ? hashed.Groups[1].Value : plain.Success ? plain.Groups[1].Value : reference;
    }

    private sealed record PolicyStatement(string Where, IReadOnlyList<string> Roles, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, IReadOnlyList<JsonNode> ResourceNodes)
    {
        public static PolicyStatement From(string where, IReadOnlyList<string> roles, JsonNode statement)
        {
            Assert.Equal("Allow", (string?)statement["Effect"]);
            var resources = statement["Resource"] is JsonArray many ? many.Select(r => r!).ToList() : [statement["Resource"]!];
            return new PolicyStatement(
                where,
                roles,
                Strings(statement["Action"]!),
                [.. resources.Select(r => r is JsonValue v && v.TryGetValue<string>(out var s) ? s : r.ToJsonString())],
                resources);
        }

        private static List<string> Strings(JsonNode node) => node is JsonArray array ? [.. array.Select(a => (string)a!)] : [(string)node!];
    }
}
