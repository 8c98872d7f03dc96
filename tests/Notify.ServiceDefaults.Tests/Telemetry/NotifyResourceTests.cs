using Microsoft.Extensions.Configuration;
using Notify.ServiceDefaults.Telemetry;

namespace Notify.ServiceDefaults.Tests.Telemetry;

public sealed class NotifyResourceTests
{
    private static NotifyResource Resource(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(), "Notify.Api");

    [Fact]
    public void Should_name_the_service_after_the_application_when_nothing_is_configured()
    {
        var resource = Resource();

        Assert.Equal("Notify.Api", resource.ServiceName);
        Assert.True(Guid.TryParse((string)resource.Attributes["service.instance.id"], out _));
        Assert.True(resource.Attributes.ContainsKey("service.version"));
    }

    [Fact]
    public void Should_prefer_otel_service_name_over_resource_attributes_when_both_name_the_service()
    {
        var resource = Resource(("OTEL_SERVICE_NAME", "notify-api"), ("OTEL_RESOURCE_ATTRIBUTES", "service.name=other,service.namespace=notify"));

        Assert.Equal("notify-api", resource.ServiceName);
        Assert.Equal("notify", resource.Attributes["service.namespace"]);
    }

    [Fact]
    public void Should_take_the_instance_id_and_decoded_values_from_resource_attributes_when_given()
    {
        var resource = Resource(("OTEL_RESOURCE_ATTRIBUTES", " service.instance.id=task-42 , team=notify%20core,broken, =x"));

        Assert.Equal("task-42", resource.Attributes["service.instance.id"]);
        Assert.Equal("notify core", resource.Attributes["team"]);
        Assert.False(resource.Attributes.ContainsKey("broken"));
    }

    [Fact]
    public void Should_share_one_instance_id_per_process_when_resources_are_built_twice() =>
        Assert.Equal(Resource().Attributes["service.instance.id"], Resource().Attributes["service.instance.id"]);
}
