namespace Notify.Aws.Provisioning;

public enum ProvisioningAction
{
    Created,
    Updated,
    Unchanged,

    /// <summary>The endpoint does not implement the API (e.g. moto's SES v2 event destinations); a fallback was used.</summary>
    Fallback,
}

/// <summary>One resource the provisioner saw: its kind, physical name, id (queue URL, ARN) and what it did.</summary>
public sealed record ProvisionedResource(string Kind, string Name, string Id, ProvisioningAction Action);

/// <summary>What a provisioning run found and did, in order; also the lookup of physical ids for the services.</summary>
public sealed record ProvisioningReport(IReadOnlyList<ProvisionedResource> Resources)
{
    public bool ChangedAnything => Resources.Any(r => r.Action is ProvisioningAction.Created or ProvisioningAction.Updated);

    public string IdOf(string kind, string name) =>
        Resources.FirstOrDefault(r => r.Kind == kind && r.Name == name)?.Id
        ?? throw new KeyNotFoundException($"No {kind} named '{name}' was provisioned.");
}
