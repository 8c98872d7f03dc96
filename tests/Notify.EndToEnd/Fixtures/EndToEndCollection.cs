namespace Notify.EndToEnd.Fixtures;

/// <summary>
/// The scenario tests share one system (one AppHost, one moto): starting it costs about as much as a scenario. Each test
/// uses its own users, event types and ids.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "end-to-end";
}
