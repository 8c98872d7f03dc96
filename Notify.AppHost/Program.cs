using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Notify.AppHost;
using Notify.Aws.Http;
using Notify.Aws.Local;
using Notify.Aws.Provisioning;
using Notify.Core.Resources;

AppHostOptions options;
try
{
    options = AppHostOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var shutdown = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

// Everything from here on may be interrupted: a Ctrl+C while moto starts or while provisioning runs ends the same way as
// one after the table, with what was started stopped in order and exit code 0.
LocalAws? aws = null;
var services = new List<ServiceProcess>();
try
{
    aws = options.AwsProfile is null ? await LocalAwsFor(options, shutdown.Token) : null;
    var connection = aws?.Connection ?? AwsConnection.FromEnvironment(options.Region, options.AwsProfile);
    var adminKey = options.AdminKey ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    // One inbox token key for every API instance: a token minted by one must be accepted by the others.
    var inboxSigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    var report = await NotifyProvisioner.ProvisionAsync(connection, new ProvisioningOptions { Prefix = options.ResourcePrefix, CreatePlatformApplications = aws is not null }, shutdown.Token);
    var environment = AppHostEnvironment.For(options, connection, aws, adminKey, inboxSigningKey, report);
    services.Add(ServiceProcess.Start("api", "Notify.Api", new Uri($"http://127.0.0.1:{options.PortBase}/"), environment("notify-api")));
    for (var i = 1; i <= options.Workers; i++)
    {
        services.Add(ServiceProcess.Start(options.Workers == 1 ? "worker" : $"worker-{i}", "Notify.Worker", new Uri($"http://127.0.0.1:{options.PortBase + i}/"), environment("notify-worker")));
    }

    await Task.WhenAll(services.Select(s => s.WaitHealthyAsync(TimeSpan.FromSeconds(90), shutdown.Token)));
    var inboxDemo = await AppHostEnvironment.InboxDemoLinkAsync(services[0].Url, adminKey, shutdown.Token);
    AppHostEnvironment.PrintReady(report, services, aws, adminKey, options.AdminKey is null, inboxDemo);
    using var demo = options.Demo
        ? new DemoTraffic(services[0].Url, adminKey, aws, connection, report.IdOf("topic", new ResourceNaming(options.ResourcePrefix).Topic(NotifyResources.SesFeedbackTopic)))
        : null;
    var demoRun = demo?.RunAsync(shutdown.Token) ?? Task.CompletedTask;
    await Task.Delay(Timeout.Infinite, shutdown.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    await demoRun; // Stops sending before the services stop.
    return 0;
}
catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
{
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or LocalAwsUnavailableException)
{
    Console.Error.WriteLine($"apphost  | {e.Message}");
    return 1;
}
finally
{
    Console.WriteLine("apphost  | stopping…");
    await Task.WhenAll(services.Select(s => s.DisposeAsync().AsTask()));
    if (aws is not null)
    {
        await aws.DisposeAsync();
    }
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true; // Shut down in order (children first, then the local AWS) instead of dying at once.
    shutdown.Cancel();
}

static async Task<LocalAws> LocalAwsFor(AppHostOptions options, CancellationToken cancellationToken) =>
    await LocalAws.StartAsync(
        new LocalAwsOptions
        {
            Endpoint = options.AwsEndpoint,
            Port = options.MotoPort,
            Region = options.Region,
            // moto logs every request; only its other lines (start-up, errors) are worth a developer's screen.
            Log = line =>
            {
                if (!line.Contains("\" 200 -", StringComparison.Ordinal))
                {
                    ServiceProcess.Write("aws", line);
                }
            },
        },
        cancellationToken);
