using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Notify.EndToEnd.Faults;

/// <summary>What a server answered on a raw connection: the status (null when it closed without one), its content type and body.</summary>
public sealed record RawAnswer(int? Status, string? ContentType, byte[] Body);

/// <summary>
/// HTTP/1.1 written byte by byte on a socket, for the requests HttpClient refuses to make: a Content-Length that is not a
/// number or disagrees with the body, Content-Length beside chunked, broken chunks, header lines without a colon or with
/// bytes that are not ASCII, folded headers, an over-long request line. The answer is read until it is complete (by its
/// Content-Length or last chunk) or the server closes the connection.
/// </summary>
public static class RawHttp
{
    public static async Task<RawAnswer> ExchangeAsync(Uri server, byte[] request, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancellationToken);
        var stream = client.GetStream();
        try
        {
            // The connection stays open both ways: Kestrel drops, unanswered, a bad request whose client has already half-closed.
            await stream.WriteAsync(request, cancellationToken);
        }
        catch (IOException)
        {
            // The server may refuse and close before the request is all written; its answer, if any, is read below.
        }

        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
                if (Parse(received.ToArray()) is { Complete: true } complete)
                {
                    return complete.Answer;
                }
            }
        }
        catch (IOException)
        {
            // A reset after (or instead of) the answer.
        }

        return Parse(received.ToArray())?.Answer ?? new RawAnswer(null, null, []);
    }

    /// <summary>The first response in <paramref name="bytes"/>, and whether its body (by Content-Length) is complete.</summary>
    private static (RawAnswer Answer, bool Complete)? Parse(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0 || !text.StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return null;
        }

        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        string? Header(string name) => lines.Skip(1).Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault();
        var body = bytes.AsSpan(end + 4).ToArray();
        if (Header("Transfer-Encoding") is { } coding && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var (content, last) = Dechunk(body);
            return (new RawAnswer(status, Header("Content-Type"), content), last);
        }

        var length = int.TryParse(Header("Content-Length"), CultureInfo.InvariantCulture, out var n) ? n : 0;
        return (new RawAnswer(status, Header("Content-Type"), body.Length > length ? body[..length] : body), body.Length >= length);
    }

    /// <summary>The content of a chunked body so far, and whether its last (empty) chunk has arrived.</summary>
    private static (byte[] Content, bool Last) Dechunk(byte[] body)
    {
        using var content = new MemoryStream();
        var at = 0;
        while (true)
        {
            var line = body.AsSpan(at).IndexOf("\r\n"u8);
            if (line < 0 || !int.TryParse(Encoding.ASCII.GetString(body, at, line).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size))
            {
                return (content.ToArray(), false);
            }

            at += line + 2;
            if (size == 0)
            {
                return (content.ToArray(), true);
            }

            if (at + size > body.Length)
            {
                return (content.ToArray(), false);
            }

            content.Write(body, at, size);
            at += size + 2;
        }
    }
}
