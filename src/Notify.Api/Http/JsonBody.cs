using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Notify.Api.Http;

/// <summary>A request body read as raw JSON, or the problem that stopped it.</summary>
internal readonly record struct JsonBodyRead(JsonElement Root, ProblemHttpResult? Problem)
{
    public bool Failed => Problem is not null;
}

/// <summary>
/// Reads a JSON request body under an explicit size limit, so the limit holds behind any server (Kestrel's is global,
/// TestServer has none) and the bodies that Notify's own parsers validate never pass through model binding.
/// </summary>
internal static class JsonBody
{
    private const string NotTextMessage = "must be Unicode text: the body has bytes that are not UTF-8, or an escaped lone surrogate (\\ud800)";

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 64,
        // Two "eventId"s in one body would let a proxy and Notify disagree about which one counts.
        AllowDuplicateProperties = false,
    };

    public static async ValueTask<JsonBodyRead> ReadAsync(HttpContext context, int maxBytes, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            return Fail(Problems.UnsupportedMediaType(request.ContentType));
        }

        if (request.ContentLength > maxBytes)
        {
            return Fail(Problems.TooLarge(maxBytes));
        }

        var reader = request.BodyReader;
        byte[] bytes;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.End);
                return Fail(Problems.TooLarge(maxBytes));
            }

            if (read.IsCompleted)
            {
                bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                break;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }

        if (bytes.Length == 0)
        {
            return Fail(Problems.Invalid("$", "A JSON body is required."));
        }

        // Before the strict parse: its duplicate check compares member names, and a name that is not text throws there.
        if (NotTextPath(bytes) is { } notText)
        {
            return Fail(Problems.Invalid(notText, NotTextMessage));
        }

        try
        {
            var document = JsonDocument.Parse(bytes, DocumentOptions);
            context.Response.RegisterForDispose(document);
            return new JsonBodyRead(document.RootElement, null);
        }
        catch (JsonException) when (DuplicatePath(bytes) is { } duplicate)
        {
            return Fail(Problems.Invalid(duplicate, "duplicate field"));
        }
        catch (JsonException e)
        {
            return Fail(Problems.Invalid(JsonErrors.Key(e.Path), "The body is not valid JSON: " + JsonErrors.Describe(e)));
        }
        catch (InvalidOperationException)
        {
            // A body that is both malformed and not text, where the lenient read above could not say where.
            return Fail(Problems.Invalid("$", NotTextMessage));
        }
    }

    /// <summary>
    /// A body read as <see cref="ReadAsync(HttpContext, int, CancellationToken)"/> reads it (limit, media type, UTF-8,
    /// duplicates), then bound to <typeparamref name="T"/> with the API's JSON options; a value that does not bind is a
    /// 400 naming its JSON path. For the small request records that need no parser of their own.
    /// </summary>
    public static async ValueTask<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext context, int maxBytes, CancellationToken cancellationToken)
    {
        var body = await ReadAsync(context, maxBytes, cancellationToken);
        if (body.Failed)
        {
            return (default, body.Problem);
        }

        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return (body.Root.Deserialize<T>(options), null);
        }
        catch (JsonException e)
        {
            return (default, Problems.Invalid(JsonErrors.Key(e.Path), JsonErrors.Describe(e)));
        }
    }

    /// <summary>
    /// Where the first string or member name that is not Unicode text is: bytes that are not UTF-8, or a <c>\u</c> escape
    /// of an unpaired surrogate. JSON's grammar (and so the parser) lets both through, and reading such a string later
    /// throws. Bodies that are valid UTF-8 with no escaped surrogate, i.e. nearly all, cost one vectorized scan.
    /// </summary>
    private static string? NotTextPath(byte[] bytes)
    {
        if (Utf8.IsValid(bytes) && !HasSurrogateEscape(bytes))
        {
            return null;
        }

        // Malformed as well (the walk finds nothing): the strict parse names where.
        return FirstFaultPath(
            bytes,
            (value, path) => IsText(() => value.GetString()) ? null : JsonErrors.Key(path),
            (member, objectPath, _) => IsText(() => member.Name) ? null : JsonErrors.Key(objectPath));

        static bool IsText(Func<string?> read)
        {
            try
            {
                _ = read();
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary><c>\uD800</c>–<c>\uDFFF</c> anywhere (paired ones too: the walk then finds nothing wrong).</summary>
    private static bool HasSurrogateEscape(ReadOnlySpan<byte> bytes)
    {
        while (bytes.IndexOf("\\u"u8) is var at and >= 0)
        {
            bytes = bytes[(at + 2)..];
            if (bytes.Length >= 2 && bytes[0] is (byte)'d' or (byte)'D' && bytes[1] is (byte)'8' or (byte)'9' or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Where the first repeated member is (<c>recipient.email</c>, <c>payload.items[2].sku</c>). The strict parse says
    /// only that there is one, so the failing body is read again, leniently, to name the field.
    /// </summary>
    private static string? DuplicatePath(byte[] bytes) => FirstFaultPath(
        bytes,
        (_, _) => null,
        (member, objectPath, seen) => seen.Add(member.Name) ? null : MemberPath(objectPath, member.Name));

    /// <summary>
    /// Reads a body the strict parse refused again, leniently, and walks it depth first to name where the first fault
    /// is: <paramref name="atString"/> sees each string value, <paramref name="atMember"/> each member before its value
    /// (with the names seen so far in its object). Null when nothing is found or the body is malformed.
    /// </summary>
    private static string? FirstFaultPath(
        byte[] bytes,
        Func<JsonElement, string, string?> atString,
        Func<JsonProperty, string, HashSet<string>, string?> atMember)
    {
        try
        {
            using var lenient = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = DocumentOptions.MaxDepth });
            return Walk(lenient.RootElement, string.Empty);
        }
        catch (JsonException)
        {
            return null;
        }

        string? Walk(JsonElement element, string path)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    return atString(element, path);
                case JsonValueKind.Object:
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var member in element.EnumerateObject())
                    {
                        if ((atMember(member, path, seen) ?? Walk(member.Value, MemberPath(path, member.Name))) is { } fault)
                        {
                            return fault;
                        }
                    }

                    return null;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        if (Walk(item, $"{path}[{index++}]") is { } fault)
                        {
                            return fault;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }
    }

    private static string MemberPath(string objectPath, string name) => objectPath.Length == 0 ? name : $"{objectPath}.{name}";

    public static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var isJson = media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                     || (media.MediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                         && media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        return isJson && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
    }

    private static JsonBodyRead Fail(ProblemHttpResult problem) => new(default, problem);
}
