using Amazon.CDK;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;

namespace Notify.Cdk.Services;

/// <summary>
/// The API's generated secrets, by the variable that carries each: the bootstrap admin key (<c>NOTIFY_ADMIN_KEY</c>) and
/// the key that signs inbox tokens (<c>Notify:Inbox:TokenSigningKey</c>; every instance needs the same one). Fargate
/// injects them at task start; Lambda, which has no injection, gets them resolved into its encrypted configuration.
/// </summary>
internal sealed class ApiSecrets : Construct
{
    public ApiSecrets(Construct scope, string id, StageSettings stage)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(stage);
        AdminKey = Generated("AdminKey", "Notify's bootstrap admin key (NOTIFY_ADMIN_KEY): create API keys with it, then keep it for emergencies", stage);
        InboxTokenSigningKey = Generated("InboxTokenSigningKey", "Signs Notify's inbox tokens (Notify:Inbox:TokenSigningKey)", stage);
        Variables = new Dictionary<string, ISecret>(StringComparer.Ordinal)
        {
            ["NOTIFY_ADMIN_KEY"] = AdminKey,
            ["Notify__Inbox__TokenSigningKey"] = InboxTokenSigningKey,
        };
    }

    public ISecret AdminKey { get; }

    public ISecret InboxTokenSigningKey { get; }

    public IReadOnlyDictionary<string, ISecret> Variables { get; }

    private Amazon.CDK.AWS.SecretsManager.Secret Generated(string id, string description, StageSettings stage) => new(this, id, new SecretProps
    {
        Description = description,
        GenerateSecretString = new SecretStringGenerator { PasswordLength = 48, ExcludePunctuation = true },
        RemovalPolicy = stage.RemovalPolicy,
    });
}
