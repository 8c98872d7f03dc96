using System.Reflection;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Resources;

namespace Notify.ServiceDefaults.Telemetry;

/// <summary>
/// The resource every signal carries: <c>service.name</c> (OTEL_SERVICE_NAME, else service.name from
/// OTEL_RESOURCE_ATTRIBUTES, else the application name), <c>service.version</c> (the informational version),
/// <c>service.instance.id</c> (a GUID per process unless OTEL_RESOURCE_ATTRIBUTES sets one) and the rest of
/// OTEL_RESOURCE_ATTRIBUTES. Read from the host's configuration, which includes the environment.
/// </summary>
public sealed class NotifyResource
{
    private static readonly string ProcessInstanceId = Guid.NewGuid().ToString();

    public NotifyResource(IConfiguration configuration, string applicationName)
    {
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["service.name"] = applicationName,
            ["service.instance.id"] = ProcessInstanceId,
        };
        if (VersionOf(applicationName) is { } version)
        {
            attributes["service.version"] = version;
        }

        foreach (var (key, value) in ParseResourceAttributes(configuration["OTEL_RESOURCE_ATTRIBUTES"]))
        {
            attributes[key] = value;
        }

        if (configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } serviceName)
        {
            attributes["service.name"] = serviceName;
        }

        Attributes = attributes;
    }

    public IReadOnlyDictionary<string, object> Attributes { get; }

    public string ServiceName => (string)Attributes["service.name"];

    /// <summary>A fresh builder per provider: the SDK binds a builder to the provider that builds it.</summary>
    public ResourceBuilder CreateBuilder() => ResourceBuilder.CreateEmpty().AddTelemetrySdk().AddAttributes(Attributes);

    /// <summary>OTEL_RESOURCE_ATTRIBUTES: <c>key=value</c> pairs separated by commas, values percent-encoded.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> ParseResourceAttributes(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            yield break;
        }

        foreach (var pair in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = pair[..equals].Trim();
            var value = Uri.UnescapeDataString(pair[(equals + 1)..].Trim());
            yield return new(key, value);
        }
    }

    private static string? VersionOf(string applicationName)
    {
        Assembly? assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(applicationName));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            assembly = Assembly.GetEntryAssembly();
        }

        assembly ??= Assembly.GetEntryAssembly();
        return assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly?.GetName().Version?.ToString();
    }
}
