using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Notify.Api.Lambda;

/// <summary>
/// The response of one invocation, buffered whole (an HTTP API takes a Lambda's answer as one JSON document). It
/// behaves as Kestrel's does where the application can tell: <c>OnStarting</c> callbacks run, last registered first,
/// at the first write or flush or at the end; after that the status and headers are read-only; <c>OnCompleted</c>
/// callbacks run once the answer is handed back. Part of the Lambda bridge (see <see cref="LambdaRuntimeServer"/>).
/// </summary>
internal sealed class LambdaResponseFeature : IHttpResponseFeature, IHttpResponseBodyFeature
{
    private readonly MemoryStream _buffer = new();
    private readonly Stack<(Func<object, Task> Callback, object State)> _onStarting = new();
    private readonly Stack<(Func<object, Task> Callback, object State)> _onCompleted = new();
    private readonly BodyStream _stream;
    private readonly HeaderDictionary _headers = new();
    private PipeWriter? _writer;
    private int _statusCode = StatusCodes.Status200OK;
    private string? _reasonPhrase;

    /// <param name="maxBodyBytes">A write that would take the body past this throws: the answer could never be returned.</param>
    public LambdaResponseFeature(long maxBodyBytes) => _stream = new BodyStream(this, maxBodyBytes);

    public int StatusCode
    {
        get => _statusCode;
        set
        {
            ThrowIfStarted();
            _statusCode = value;
        }
    }

    public string? ReasonPhrase
    {
        get => _reasonPhrase;
        set
        {
            ThrowIfStarted();
            _reasonPhrase = value;
        }
    }

    public IHeaderDictionary Headers
    {
        get => _headers;
        set => throw new NotSupportedException("The response headers of a Lambda invocation cannot be replaced.");
    }

    [Obsolete("Use IHttpResponseBodyFeature.Stream instead.")]
    public Stream Body
    {
        get => _stream;
        set => throw new NotSupportedException("Replace the body through IHttpResponseBodyFeature.");
    }

    public bool HasStarted { get; private set; }

    public Stream Stream => _stream;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));

    /// <summary>The body written so far.</summary>
    public ReadOnlyMemory<byte> Content => _buffer.GetBuffer().AsMemory(0, (int)_buffer.Length);

    public void OnStarting(Func<object, Task> callback, object state)
    {
        ThrowIfStarted();
        _onStarting.Push((callback, state));
    }

    public void OnCompleted(Func<object, Task> callback, object state) => _onCompleted.Push((callback, state));

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (HasStarted)
        {
            return;
        }

        while (_onStarting.TryPop(out var entry))
        {
            await entry.Callback(entry.State);
        }

        HasStarted = true;
        _headers.IsReadOnly = true;
    }

    public void DisableBuffering()
    {
        // Everything is buffered until the invocation ends; there is no connection to stream to.
    }

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken);
        await SendFileFallback.SendFileAsync(_stream, path, offset, count, cancellationToken);
    }

    /// <summary>Ends the response as a server does when the application returns: starts it if nothing was written, flushes the writer.</summary>
    public async Task CompleteAsync()
    {
        await StartAsync();
        if (_writer is not null)
        {
            await _writer.CompleteAsync();
        }
    }

    /// <summary>Runs the <c>OnCompleted</c> callbacks, last registered first; a failing one does not stop the others.</summary>
    public async Task<IReadOnlyList<Exception>> FireOnCompletedAsync()
    {
        List<Exception>? failures = null;
        while (_onCompleted.TryPop(out var entry))
        {
            try
            {
                await entry.Callback(entry.State);
            }
#pragma warning disable CA1031 // A callback's failure is the application's; it is reported, and the next one still runs.
            catch (Exception e)
#pragma warning restore CA1031
            {
                (failures ??= []).Add(e);
            }
        }

        return failures ?? (IReadOnlyList<Exception>)[];
    }

    private void ThrowIfStarted()
    {
        if (HasStarted)
        {
            throw new InvalidOperationException("The response has already started.");
        }
    }

    /// <summary>Write-only view of the buffer that starts the response on the first write or flush.</summary>
    private sealed class BodyStream(LambdaResponseFeature response, long maxBodyBytes) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            response.StartAsync().GetAwaiter().GetResult();
            Append(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await response.StartAsync(cancellationToken);
            Append(buffer.Span);
        }

        public override void Flush() => response.StartAsync().GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => response.StartAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private void Append(ReadOnlySpan<byte> bytes)
        {
            if (response._buffer.Length + bytes.Length > maxBodyBytes)
            {
                throw new InvalidOperationException($"The response body exceeds {maxBodyBytes} bytes, more than a Lambda function can return.");
            }

            response._buffer.Write(bytes);
        }
    }
}
