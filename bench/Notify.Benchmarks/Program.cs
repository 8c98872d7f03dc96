using BenchmarkDotNet.Running;
using Notify.Aws.Http;
using Notify.Aws.Provisioning;

// `provision <endpoint> <prefix>` sets up a local AWS for the load benchmarks (bench/run); anything else goes to
// BenchmarkDotNet's switcher (`--filter '*'`).
if (args is ["provision", var endpoint, var prefix])
{
    var report = await NotifyProvisioner.ProvisionAsync(
        AwsConnection.ForLocal(new Uri(endpoint)),
        new ProvisioningOptions { Prefix = prefix, CreatePlatformApplications = true });
    Console.WriteLine($"provisioned {report.Resources.Count} resources under '{prefix}'");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
