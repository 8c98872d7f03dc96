namespace Notify.AppHost;

/// <summary>Command-line options of the AppHost (a hand-rolled parser: System.CommandLine would be the only dependency).</summary>
internal sealed record AppHostOptions
{
    public Uri? AwsEndpoint { get; init; }

    public string? AwsProfile { get; init; }

    public string Region { get; init; } = "us-east-1";

    /// <summary>The API listens on PortBase, the first worker on PortBase + 1, the next on + 2, …; moto on 4566 unless 0.</summary>
    public int PortBase { get; init; } = 5080;

    public int MotoPort { get; init; } = 4566;

    public int Workers { get; init; } = 1;

    public Uri? Otlp { get; init; }

    public string? AdminKey { get; init; }

    public string ResourcePrefix { get; init; } = "notify";

    /// <summary>Sends a steady mix of sample events once the services are healthy (see <see cref="DemoTraffic"/>).</summary>
    public bool Demo { get; init; }

    public const string Usage = """
        Usage: dotnet run --project Notify.AppHost [-- options]
          --aws-endpoint URL   use a running AWS endpoint (e.g. LocalStack http://localhost:4566) instead of starting moto
          --aws-profile NAME   use real AWS with this shared-config profile
          --region NAME        AWS region (default us-east-1, or the profile's)
          --port-base N        API on N, workers on N+1… (default 5080)
          --moto-port N        port for the started moto_server (default 4566; 0 = any free port)
          --workers N          worker processes on the same lanes (default 1)
          --otlp URL           OTLP endpoint for traces, metrics and logs (e.g. a standalone Aspire dashboard)
          --admin-key KEY      bootstrap admin API key (else NOTIFY_ADMIN_KEY, else a random key is printed)
          --prefix NAME        resource name prefix (default notify)
          --demo               send sample events of every channel and priority, one per second, some bouncing or failing
        """;

    public static AppHostOptions Parse(IReadOnlyList<string> args)
    {
        var o = new AppHostOptions { AdminKey = Environment.GetEnvironmentVariable("NOTIFY_ADMIN_KEY") };
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            int Number(int min, int max)
            {
                var name = args[i];
                var v = Value();
                return int.TryParse(v, out var n) && n >= min && n <= max ? n : throw new ArgumentException($"{name} must be a number in {min}..{max}, not '{v}'.");
            }

            o = args[i] switch
            {
                "--aws-endpoint" => o with { AwsEndpoint = new Uri(Value()) },
                "--aws-profile" => o with { AwsProfile = Value() },
                "--region" => o with { Region = Value() },
                "--port-base" => o with { PortBase = Number(1024, 65000) },
                "--moto-port" => o with { MotoPort = Number(0, 65535) },
                "--workers" => o with { Workers = Number(1, 16) },
                "--otlp" => o with { Otlp = new Uri(Value()) },
                "--admin-key" => o with { AdminKey = Value() },
                "--prefix" => o with { ResourcePrefix = Value() },
                "--demo" => o with { Demo = true },
                "-h" or "--help" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"Unknown option '{args[i]}'.\n{Usage}"),
            };
        }

        if (o.AwsEndpoint is not null && o.AwsProfile is not null)
        {
            throw new ArgumentException("--aws-endpoint and --aws-profile are alternatives; give one.");
        }

        return o;
    }
}
