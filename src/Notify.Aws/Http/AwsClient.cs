namespace Notify.Aws.Http;

/// <summary>
/// What every service client shares: the transport it sends through and whether it owns that transport. A
/// client built from a connection owns its transport (disposing the client releases the connection pool); one
/// handed a transport shares it and leaves disposal to the caller.
/// </summary>
public abstract class AwsClient : IDisposable
{
    private readonly bool _ownsTransport;

    /// <summary>Shares a transport (and its connection pool) owned by the caller.</summary>
    /// <exception cref="ArgumentException">The transport talks to another service: every call would fail to sign or route.</exception>
    protected AwsClient(AwsService service, AwsTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        if (transport.Service != service)
        {
            throw new ArgumentException($"{GetType().Name} needs an {service} transport, not {transport.Service}.", nameof(transport));
        }

        Transport = transport;
    }

    /// <summary>Creates and owns a transport to <paramref name="service"/>; dispose the client to release its connections.</summary>
    protected AwsClient(AwsService service, IAwsErrorReader errors, AwsConnection connection, AwsRetryOptions? retry, HttpMessageHandler? handler)
        : this(service, new AwsTransport(service, connection, errors, retry, handler))
    {
        _ownsTransport = true;
    }

    public AwsTransport Transport { get; }

    public void Dispose()
    {
        if (_ownsTransport)
        {
            Transport.Dispose();
        }
    }
}
