using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Notify.EndToEnd.Faults;

/// <summary>The credentials a malformed request may carry: keys of every kind, and a dashboard session (its cookie header).</summary>
public sealed record FuzzCredentials(string Admin, CallerKeys Keys, string DashboardCookie);

/// <summary>
/// One malformed request: what it aims at and what is wrong with it (for a failure message, with the index that replays
/// it), and how it is sent, through HttpClient or as raw bytes.
/// </summary>
public sealed record MalformedRequest(
    int Index,
    string Target,
    string Credential,
    IReadOnlyList<string> Mutations,
    Func<HttpClient, CancellationToken, Task<HttpResponseMessage>>? SendAsync,
    byte[]? Raw)
{
    /// <summary>What part of the surface it aims at: <c>api</c>, <c>dashboard api</c>, <c>login form</c>, <c>stray</c>, <c>raw socket</c>.</summary>
    public string Kind { get; init; } = "api";

    /// <summary>The login form answers a browser, so a refused form may come back as the HTML form rather than problem details.</summary>
    public bool IsLoginForm => Kind == "login form";

    /// <summary>A body beyond every limit: the server may answer and close before it has all been written.</summary>
    public bool MayCloseEarly { get; init; }

    public override string ToString() =>
        $"#{Index} {Target} [{Credential}] {string.Join("; ", Mutations.Select(m => m.Length > 160 ? m[..160] + "…" : m))}";
}

/// <summary>
/// Makes the fuzzer's requests, each from its index and the seed alone (so a run, or one request, replays exactly):
/// random JSON and wrong types in the operations' own example bodies, strings beyond every documented limit, nesting
/// beyond the parser's depth, text that is not UTF-8, wrong and missing content types, header abuse (huge, too many,
/// a second Authorization, junk cookies and origins), odd methods, bad path and query parameters, protocol abuse on a
/// raw socket, and the dashboard's login form. A request that carries a valid credential and could change something
/// is always malformed in a way that must be refused (its body, or ids that cannot exist), so a run stores nothing.
/// </summary>
public sealed partial class MalformedRequests(IReadOnlyList<ApiOperation> api, IReadOnlyList<ApiOperation> dashboard, FuzzCredentials credentials, int seed)
{
    /// <summary>Beyond the largest body any endpoint takes (the batch's 1 MiB): refused as too large everywhere.</summary>
    private const int HugeBodyBytes = (1024 * 1024) + 1;

    /// <summary>Longer than every documented string limit (the largest are payload, email text and html: 64 KiB).</summary>
    private const int OverlongString = (64 * 1024) + 1;

    private const string Sentinel = "\"fz-sentinel-7d1c\"";

    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=fz",
        "application/json; charset=iso-8859-1", "application/json; charset=utf-16", "application/jsonx", "json",
        "application/*", ";;;", "application/json; charset=\"", "text/json; charset=utf-8; charset=latin1",
    ];

    private static readonly string[] BadSegments =
    [
        "%00", "%FF%FE", "%C3%28", "%ED%A0%80", "a%2Fb", "..", "%2e%2e", "a%20b", "%E2%98%83", "%F0%9F%98%80", "{eventId}",
        "%25", "null", "-1", "%0D%0AX-Injected:%201", "a%3Bb%3Dc", "%22%3E%3Cscript%3E",
    ];

    private static readonly string[] BadQueryValues =
    [
        "", "-1", "0", "101", "1001", "61", "99999999999999999999", "abc", "1.5", "0x10", "1e3", "%00", "%FF", "true", "[]", "{}",
        "in_app,email", "SENT", "2026-13-45T99:00:00Z",
    ];

    private static readonly string[] GarbageAuthorizations =
    [
        "Bearer", "Bearer ", "bearer nfy_live_0000000000000000000000000000000000000000000", "Basic YWRtaW46YWRtaW4=", "Token abc",
        "Bearer a b c", "Bearer nfy_test_", "Bearer \"quoted\"", "Digest username=\"x\"", "Bearer nit1.forged.token",
    ];

    /// <summary>String fields with a documented limit below <see cref="OverlongString"/>.</summary>
    private static readonly HashSet<string> LimitedFields = new(StringComparer.Ordinal)
    {
        "eventId", "eventType", "userId", "name", "locale", "timeZone", "platform", "mode", "email", "phone", "subject", "title",
        "deviceId", "start", "end", "priority", "sendAt", "notAfter", "token", "body", "text", "html", "channel", "read",
    };

    private readonly IReadOnlyList<ApiOperation> _api = api.Count > 0 ? api : throw new ArgumentException("No operations to fuzz.", nameof(api));

    public MalformedRequest Create(int index)
    {
        var random = new Random(unchecked((seed * 7919) + index));
        var roll = random.Next(100);
        return roll switch
        {
            < 70 => OperationCase(index, random, _api[random.Next(_api.Count)], onDashboard: false),
            < 80 when dashboard.Count > 0 => OperationCase(index, random, dashboard[random.Next(dashboard.Count)], onDashboard: true),
            < 87 => LoginCase(index, random),
            < 92 => StrayCase(index, random),
            _ => RawCase(index, random),
        };
    }

    // ---- An operation of the API (or of the dashboard's API) with something wrong with it ----

    private MalformedRequest OperationCase(int index, Random random, ApiOperation operation, bool onDashboard)
    {
        var mutations = new List<string>();
        var credential = onDashboard ? DashboardCredential(random) : ApiCredential(random);
        var mustBeRefused = credential.Valid && operation.IsWrite;

        var path = operation.Fill(name => PathSegment(random, name, mutations));
        var query = Query(random, operation, mutations);
        var body = operation.HasBody ? Body(random, operation, mustBeRefused, mutations) : null;
        var headers = new List<(string Name, string Value)>();
        var beyondHeaderLimits = false;
        if (random.Next(4) == 0 || mutations.Count == 0)
        {
            beyondHeaderLimits = HeaderAbuse(random, headers, mutations);
        }

        var target = $"{operation.Method} {path}{query}";
        return new MalformedRequest(index, target, credential.Name, mutations, (client, ct) =>
        {
            var request = new HttpRequestMessage(new HttpMethod(operation.Method), path + query);
            credential.Apply(request);
            if (body is not null)
            {
                request.Content = body.Content();
            }

            foreach (var (name, value) in headers)
            {
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content?.Headers.TryAddWithoutValidation(name, value);
                }
            }

            return SendAndDisposeAsync(client, request, ct);
        }, Raw: null)
        {
            Kind = onDashboard ? "dashboard api" : "api",
            // Refused before its body is read (413, 431, 414): the server may close while the body is still being written.
            MayCloseEarly = body is not null && (body.Huge || beyondHeaderLimits || path.Length + query.Length > 7000),
        };
    }

    private sealed record Credential(string Name, bool Valid, Action<HttpRequestMessage> Apply);

    private Credential ApiCredential(Random random) => random.Next(100) switch
    {
        < 14 => new("none", false, _ => { }),
        < 26 => Garbage(random),
        < 32 => Bearer("revoked key", credentials.Keys.Revoked, valid: false),
        < 36 => new("dashboard cookie on /api", false, r => r.Headers.TryAddWithoutValidation("Cookie", credentials.DashboardCookie)),
        < 70 => Bearer("admin key", credentials.Admin, valid: true),
        < 80 => Bearer("read key", credentials.Keys.Read, valid: true),
        < 90 => Bearer("send key", credentials.Keys.Send, valid: true),
        _ => Bearer("test key", credentials.Keys.Test, valid: true),
    };

    /// <summary>Every random choice is made here, not when the request is built, so a resent request is the same request.</summary>
    private Credential DashboardCredential(Random random)
    {
        var roll = random.Next(100);
        var (origin, site) = (random.Next(2) == 0 ? "https://evil.example" : "null", random.Next(2) == 0 ? "cross-site" : "same-site");
        var forged = $"{DashboardSession.CookieName}={RandomText(random, 40, 400)}";
        return roll switch
        {
            < 10 => new("no session", false, r => r.Headers.Add("X-Notify-Dashboard", "1")),
            < 18 => new("session without the dashboard header", true, r => r.Headers.TryAddWithoutValidation("Cookie", credentials.DashboardCookie)),
            < 26 => new($"session from {origin} ({site})", true, r =>
            {
                r.Headers.TryAddWithoutValidation("Cookie", credentials.DashboardCookie);
                r.Headers.Add("X-Notify-Dashboard", "1");
                r.Headers.TryAddWithoutValidation("Origin", origin);
                r.Headers.TryAddWithoutValidation("Sec-Fetch-Site", site);
            }),
            < 34 => Bearer("admin key instead of a session", credentials.Admin, valid: false),
            < 40 => new("forged session cookie", false, r =>
            {
                r.Headers.TryAddWithoutValidation("Cookie", forged);
                r.Headers.Add("X-Notify-Dashboard", "1");
            }),
            _ => new("session", true, r =>
            {
                r.Headers.TryAddWithoutValidation("Cookie", credentials.DashboardCookie);
                r.Headers.Add("X-Notify-Dashboard", "1");
            }),
        };
    }

    private static Credential Bearer(string name, string key, bool valid) =>
        new(name, valid, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key));

    private static Credential Garbage(Random random)
    {
        var value = random.Next(4) == 0 ? "Bearer " + RandomText(random, 100, 6000) : GarbageAuthorizations[random.Next(GarbageAuthorizations.Length)];
        return new Credential($"Authorization: {value[..Math.Min(40, value.Length)]}", false, r => r.Headers.TryAddWithoutValidation("Authorization", value));
    }

    /// <summary>A path segment: mostly a well-formed id no record can have (fz-…), else a malformed one.</summary>
    private static string PathSegment(Random random, string name, List<string> mutations)
    {
        if (random.Next(100) < 30)
        {
            var bad = random.Next(5) == 0 ? new string('a', random.Next(300, 7000)) : BadSegments[random.Next(BadSegments.Length)];
            mutations.Add($"path {name}={bad[..Math.Min(bad.Length, 24)]}{(bad.Length > 24 ? $"…({bad.Length})" : string.Empty)}");
            return bad;
        }

        return name switch
        {
            "channel" => new[] { "email", "sms", "push", "in_app", "fax" }[random.Next(5)],
            "locale" => new[] { "en", "fr-FR", "zz", "en-GB-oxendict" }[random.Next(4)],
            "eventType" => "fz." + RandomId(random),
            "notificationId" => $"fz-{RandomId(random)}:in_app",
            _ => "fz-" + RandomId(random),
        };
    }

    private static string Query(Random random, ApiOperation operation, List<string> mutations)
    {
        var parts = new List<string>();
        if (operation.QueryParameters.Count > 0 && random.Next(2) == 0)
        {
            var name = operation.QueryParameters[random.Next(operation.QueryParameters.Count)];
            var value = random.Next(6) == 0 ? RandomText(random, 2000, 6000) : BadQueryValues[random.Next(BadQueryValues.Length)];
            parts.Add($"{name}={value}");
            if (random.Next(5) == 0)
            {
                parts.Add($"{name}=1");
            }

            mutations.Add($"query {name}={value[..Math.Min(value.Length, 24)]}");
        }

        if (random.Next(8) == 0)
        {
            parts.Add($"fz{random.Next(100)}={RandomText(random, 1, 40)}");
            mutations.Add("unknown query parameter");
        }

        if (random.Next(60) == 0)
        {
            parts.Add("fz=" + new string('q', random.Next(8000, 12000)));
            mutations.Add("query beyond the request line limit");
        }

        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }

    // ---- Bodies ----

    private sealed record FuzzBody(byte[] Bytes, string? ContentType, string? SecondContentType, bool Huge)
    {
        public HttpContent Content()
        {
            // A stream of unknown length goes chunked: the limit must hold without a Content-Length too.
            HttpContent content = Huge && Bytes.Length % 2 == 0 ? new StreamContent(new MemoryStream(Bytes)) : new ByteArrayContent(Bytes);
            if (ContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }

            if (SecondContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", SecondContentType);
            }

            return content;
        }
    }

    private enum BodyFault
    {
        ContentType,
        NotJson,
        NotText,
        TooDeep,
        UnknownField,
        DuplicateField,
        WrongType,
        Overlong,
        Huge,
    }

    /// <summary>The operation's example body (or <c>{}</c>) with one or two faults, each of which a valid request cannot have.</summary>
    private static FuzzBody Body(Random random, ApiOperation operation, bool mustBeRefused, List<string> mutations)
    {
        var faults = new List<BodyFault> { PickFault(random) };
        if (random.Next(4) == 0)
        {
            faults.Add(PickFault(random));
        }

        // Without a valid key nothing is stored whatever the body says: then the body may also be well-formed.
        if (!mustBeRefused && random.Next(5) == 0)
        {
            faults.Clear();
            mutations.Add("well-formed example body");
        }

        var root = operation.Example?.DeepClone() ?? new JsonObject();
        string? replacement = null;
        foreach (var fault in faults.Where(f => f is BodyFault.WrongType or BodyFault.Overlong or BodyFault.UnknownField or BodyFault.NotText or BodyFault.TooDeep or BodyFault.Huge).Distinct())
        {
            switch (fault)
            {
                case BodyFault.WrongType when Sites(root, includePayload: false).Where(c => c.Node is not null).ToList() is { Count: > 0 } typed:
                    var site = typed[random.Next(typed.Count)];
                    var wrong = WrongKind(random, site.Node!.GetValueKind());
                    root = Replace(root, site, wrong);
                    var shown = wrong.ToJsonString();
                    mutations.Add($"wrong type at {site.Display}: {shown[..Math.Min(30, shown.Length)]}");
                    break;
                case BodyFault.Overlong when Sites(root, includePayload: true)
                        .Where(c => c.Node?.GetValueKind() == JsonValueKind.String && (c.UnderPayload || (c.Name is { } name && LimitedFields.Contains(name))))
                        .ToList() is { Count: > 0 } strings:
                    var stretched = strings[random.Next(strings.Count)];
                    var length = random.Next(OverlongString, 200_000);
                    root = Replace(root, stretched, JsonValue.Create(RandomText(random, length, length)));
                    mutations.Add($"{length}-character string at {stretched.Display}");
                    break;
                case BodyFault.NotText or BodyFault.TooDeep or BodyFault.Huge:
                    root = PlaceSentinel(random, root, mutations);
                    replacement = fault switch
                    {
                        BodyFault.NotText => NotText(random, mutations),
                        BodyFault.TooDeep => TooDeep(random, mutations),
                        _ => HugeString(random, mutations),
                    };
                    break;
                default:
                    // An unknown member (also what WrongType and Overlong fall back to when the body has no such field).
                    var member = "fz_" + RandomId(random);
                    root = root is JsonObject target ? target : new JsonObject { ["wrapped"] = root };
                    ((JsonObject)root)[member] = RandomJson(random, 3);
                    mutations.Add($"unknown field {member}");
                    break;
            }
        }

        var text = root.ToJsonString();
        if (replacement is not null)
        {
            text = text.Replace(Sentinel, replacement, StringComparison.Ordinal);
        }

        if (faults.Contains(BodyFault.DuplicateField))
        {
            text = DuplicateMember(random, text, mutations);
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        if (replacement is not null && replacement.Contains("\u0001", StringComparison.Ordinal))
        {
            bytes = InvalidUtf8(random, bytes);
        }

        if (faults.Contains(BodyFault.NotJson))
        {
            bytes = NotJson(random, bytes, mutations);
        }

        string? contentType = "application/json";
        string? second = null;
        if (faults.Contains(BodyFault.ContentType))
        {
            switch (random.Next(4))
            {
                case 0:
                    contentType = null;
                    mutations.Add("no Content-Type");
                    break;
                case 1:
                    second = "text/plain";
                    mutations.Add("two Content-Types");
                    break;
                default:
                    contentType = ContentTypes[random.Next(ContentTypes.Length)];
                    mutations.Add($"Content-Type: {contentType}");
                    break;
            }
        }

        return new FuzzBody(bytes, contentType, second, bytes.Length > HugeBodyBytes);
    }

    private static BodyFault PickFault(Random random) => random.Next(100) switch
    {
        < 12 => BodyFault.ContentType,
        < 26 => BodyFault.NotJson,
        < 38 => BodyFault.NotText,
        < 46 => BodyFault.TooDeep,
        < 58 => BodyFault.UnknownField,
        < 66 => BodyFault.DuplicateField,
        < 86 => BodyFault.WrongType,
        < 96 => BodyFault.Overlong,
        _ => BodyFault.Huge,
    };

    /// <summary>A place in a body: the member names and indexes that lead to it, and what is there.</summary>
    private sealed record Site(IReadOnlyList<object> Steps, JsonNode? Node, bool UnderPayload)
    {
        public string Display => Steps.Count == 0 ? "$" : string.Concat(Steps.Select((s, i) => s is int n ? $"[{n}]" : i == 0 ? (string)s : "." + s));

        public string? Name => Steps.LastOrDefault(s => s is string) as string;
    }

    /// <summary>Every site of the tree, the root included; below <c>payload</c> only when asked (its content is free).</summary>
    private static List<Site> Sites(JsonNode? root, bool includePayload)
    {
        var found = new List<Site>();
        Walk(root, [], underPayload: false);
        return found;

        void Walk(JsonNode? node, List<object> steps, bool underPayload)
        {
            found.Add(new Site([.. steps], node, underPayload));
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, child) in obj)
                    {
                        if (name == "payload" && !includePayload)
                        {
                            continue;
                        }

                        Walk(child, [.. steps, name], underPayload || name == "payload");
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        Walk(array[i], [.. steps, i], underPayload);
                    }

                    break;
            }
        }
    }

    /// <summary>The tree with the node at <paramref name="site"/> replaced by <paramref name="value"/>.</summary>
    private static JsonNode Replace(JsonNode root, Site site, JsonNode value)
    {
        if (site.Steps.Count == 0)
        {
            return value;
        }

        var parent = root;
        foreach (var step in site.Steps.SkipLast(1))
        {
            parent = step is int index ? parent[index]! : parent[(string)step]!;
        }

        if (site.Steps[^1] is int last)
        {
            parent.AsArray()[last] = value;
        }
        else
        {
            parent.AsObject()[(string)site.Steps[^1]] = value;
        }

        return root;
    }

    /// <summary>A value of another JSON kind than <paramref name="kind"/>, never null (null is "absent" for optional fields).</summary>
    private static JsonNode WrongKind(Random random, JsonValueKind kind)
    {
        JsonNode[] all =
        [
            JsonValue.Create(random.Next(2) == 0 ? 12345 : -1.5e300), JsonValue.Create(random.Next(2) == 0), JsonValue.Create("fz-" + RandomId(random)),
            new JsonArray(1, "a", null), new JsonObject { ["fz"] = 1 },
        ];
        var others = all.Where(v => v.GetValueKind() != kind && !(kind is JsonValueKind.True or JsonValueKind.False && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)).ToList();
        return others[random.Next(others.Count)];
    }

    /// <summary>Puts the sentinel in an existing string, as a member name, inside the payload, or as a new member.</summary>
    private static JsonNode PlaceSentinel(Random random, JsonNode root, List<string> mutations)
    {
        var strings = Sites(root, includePayload: true).Where(c => c.Node?.GetValueKind() == JsonValueKind.String).ToList();
        var sentinel = Sentinel[1..^1];
        if (strings.Count > 0 && random.Next(3) > 0)
        {
            var site = strings[random.Next(strings.Count)];
            mutations.Add($"at {site.Display}:");
            return Replace(root, site, JsonValue.Create(sentinel));
        }

        var obj = root as JsonObject ?? new JsonObject { ["wrapped"] = root };
        if (random.Next(2) == 0)
        {
            obj[sentinel] = 1;
            mutations.Add("as a member name:");
        }
        else
        {
            obj["fz_" + RandomId(random)] = JsonValue.Create(sentinel);
            mutations.Add("in an unknown field:");
        }

        return obj;
    }

    /// <summary>A JSON string that is not text: a lone surrogate escape, or (marked with U+0001, swapped for raw bytes later) bytes that are not UTF-8.</summary>
    private static string NotText(Random random, List<string> mutations)
    {
        switch (random.Next(3))
        {
            case 0:
                var escape = new[] { "\\ud800", "\\udfff", "\\udbff\\u0041", "\\ude00\\ud83d" }[random.Next(4)];
                mutations.Add($"lone surrogate escape {escape}");
                return $"\"a{escape}b\"";
            default:
                mutations.Add("bytes that are not UTF-8");
                return "\"a\u0001b\"";
        }
    }

    /// <summary>Replaces each U+0001 marker (one byte, 0x01) with a sequence that is not UTF-8.</summary>
    private static byte[] InvalidUtf8(Random random, byte[] bytes)
    {
        byte[][] sequences = [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80]];
        var output = new List<byte>(bytes.Length + 8);
        foreach (var b in bytes)
        {
            if (b == 0x01)
            {
                output.AddRange(sequences[random.Next(sequences.Length)]);
            }
            else
            {
                output.Add(b);
            }
        }

        return [.. output];
    }

    private static string TooDeep(Random random, List<string> mutations)
    {
        var depth = random.Next(65, 5000);
        mutations.Add($"nested {depth} deep");
        return random.Next(2) == 0
            ? new string('[', depth) + "1" + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
    }

    private static string HugeString(Random random, List<string> mutations)
    {
        var length = HugeBodyBytes + random.Next(0, 512 * 1024);
        mutations.Add($"{length}-byte string (body beyond every limit)");
        return "\"" + new string('h', length) + "\"";
    }

    /// <summary>Repeats a member of the root object (or adds a repeated one).</summary>
    private static string DuplicateMember(Random random, string text, List<string> mutations)
    {
        var end = text.LastIndexOf('}');
        if (!text.StartsWith('{') || end < 0)
        {
            mutations.Add("a body that is not an object");
            return text;
        }

        var names = MemberName().Matches(text[..Math.Min(text.Length, 4096)]).Select(m => m.Groups["name"].Value).Distinct().ToList();
        var name = names.Count > 0 && random.Next(4) > 0 ? names[random.Next(names.Count)] : "fz";
        mutations.Add($"repeated member {name}");
        var repeat = $"\"{name}\":{RandomJson(random, 2)?.ToJsonString() ?? "null"}";
        return text.TrimEnd().Length <= 2 ? $"{{{repeat},{repeat}}}" : text[..end] + "," + repeat + (name == "fz" ? "," + repeat : string.Empty) + text[end..];
    }

    private static byte[] NotJson(Random random, byte[] bytes, List<string> mutations)
    {
        var text = Encoding.UTF8.GetString(bytes);
        switch (random.Next(9))
        {
            case 0:
                var cut = random.Next(0, bytes.Length);
                mutations.Add($"cut after {cut} bytes");
                return bytes[..cut];
            case 1:
                var junk = new[] { "}", "]", ",", "x", "\0", " {}", "\"", "\u2028" }[random.Next(8)];
                mutations.Add("trailing junk");
                return Encoding.UTF8.GetBytes(text + junk);
            case 2:
                mutations.Add("'=' for ':'");
                return Encoding.UTF8.GetBytes("{" + text[1..].Replace(":", "=", StringComparison.Ordinal) + (text.Contains(':', StringComparison.Ordinal) ? string.Empty : "=1"));
            case 3:
                mutations.Add("single quotes");
                return Encoding.UTF8.GetBytes("{'fz':1," + text.TrimStart('{').Replace('"', '\''));
            case 4:
                mutations.Add("NaN");
                return Encoding.UTF8.GetBytes("{\"fz\":NaN," + text.TrimStart('{'));
            case 5:
                mutations.Add("trailing comma");
                return Encoding.UTF8.GetBytes(text.TrimEnd('}', ']') + ",}");
            case 6:
                mutations.Add("comment");
                return Encoding.UTF8.GetBytes("/* fz */" + text);
            case 7:
                mutations.Add("random bytes");
                var noise = new byte[random.Next(1, 2000)];
                random.NextBytes(noise);
                noise[0] = (byte)'{';
                return noise;
            default:
                mutations.Add("bare words");
                return Encoding.UTF8.GetBytes("{fz: " + RandomId(random) + "}");
        }
    }

    // ---- Headers ----

    /// <summary>Adds one kind of header abuse; true when it is beyond Kestrel's header limits (refused with 431).</summary>
    private static bool HeaderAbuse(Random random, List<(string Name, string Value)> headers, List<string> mutations)
    {
        switch (random.Next(10))
        {
            case 0:
                var size = random.Next(33 * 1024, 80 * 1024);
                headers.Add(("X-Fz-Big", new string('b', size)));
                mutations.Add($"a {size}-byte header");
                return true;
            case 1:
                var count = random.Next(101, 250);
                headers.AddRange(Enumerable.Range(0, count).Select(i => ($"X-Fz-{i}", "v")));
                mutations.Add($"{count} extra headers");
                return true;
            case 2:
                headers.Add(("Authorization", GarbageAuthorizations[random.Next(GarbageAuthorizations.Length)]));
                mutations.Add("a second Authorization header");
                break;
            case 3:
                headers.Add(("Cookie", $"notify_dashboard={RandomText(random, 1, 300)}; notify_dashboard_form=x"));
                mutations.Add("junk cookies");
                break;
            case 4:
                headers.Add(("Accept", new[] { "application/xml", "*/*;q=abc", "text/html", "application/problem+xml", "" }[random.Next(5)]));
                mutations.Add("odd Accept");
                break;
            case 5:
                headers.Add(("Content-Encoding", random.Next(2) == 0 ? "gzip" : "br, fz"));
                mutations.Add("a Content-Encoding the body does not have");
                break;
            case 6:
                headers.Add(("X-HTTP-Method-Override", "DELETE"));
                headers.Add(("X-Forwarded-For", "' OR 1=1 --"));
                mutations.Add("method override and forwarding headers");
                break;
            case 7:
                headers.Add(("Expect", "100-continue"));
                mutations.Add("Expect: 100-continue");
                break;
            case 8:
                headers.Add(("Origin", "null"));
                headers.Add(("Sec-Fetch-Site", "cross-site"));
                mutations.Add("cross-site origin");
                break;
            default:
                headers.Add(("traceparent", RandomText(random, 10, 200)));
                headers.Add(("tracestate", new string(',', random.Next(1, 2000))));
                mutations.Add("malformed trace context");
                break;
        }

        return false;
    }

    // ---- The dashboard's login form ----

    private MalformedRequest LoginCase(int index, Random random)
    {
        var kind = random.Next(9);
        var key = kind switch
        {
            0 => credentials.Keys.Read,
            1 => credentials.Keys.Revoked,
            2 => RandomText(random, 1, 5000),
            _ => "nfy_live_" + RandomId(random),
        };
        var forgedToken = RandomText(random, 1, 300);
        var oversized = random.Next(17 * 1024, 3 * 1024 * 1024);
        var longName = random.Next(2049, 9000);
        var description = kind switch
        {
            0 => "a read key with a fresh form token",
            1 => "a revoked admin key with a fresh form token",
            2 => "a random key with a fresh form token",
            3 => "no form token",
            4 => "a forged form token",
            5 => "a broken multipart body",
            6 => "a form body beyond its limit",
            7 => "a field name beyond the form limits",
            _ => "a JSON body",
        };

        return new MalformedRequest(index, "POST /dashboard/login", "form", [description], async (client, ct) =>
        {
            HttpContent content;
            string? cookie = null;
            switch (kind)
            {
                case <= 2:
                    (var token, cookie) = await FormTokenAsync(client, ct);
                    content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key, ["__RequestVerificationToken"] = token });
                    break;
                case 3:
                    content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key });
                    break;
                case 4:
                    content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = credentials.Admin, ["__RequestVerificationToken"] = forgedToken });
                    break;
                case 5:
                    content = new StringContent("--zz\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nabc", Encoding.UTF8);
                    content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=zz");
                    break;
                case 6:
                    content = new StringContent("key=" + new string('k', oversized), Encoding.UTF8, "application/x-www-form-urlencoded");
                    break;
                case 7:
                    content = new StringContent(new string('n', longName) + "=1", Encoding.UTF8, "application/x-www-form-urlencoded");
                    break;
                default:
                    content = new StringContent($$"""{"key":"{{credentials.Admin}}"}""", Encoding.UTF8, "application/json");
                    break;
            }

            var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/login") { Content = content };
            if (cookie is not null)
            {
                request.Headers.TryAddWithoutValidation("Cookie", cookie);
            }

            return await SendAndDisposeAsync(client, request, ct);
        }, Raw: null)
        {
            Kind = "login form",
            MayCloseEarly = kind == 6,
        };
    }

    /// <summary>Loads the login form: its anti-forgery token and the cookie that goes with it.</summary>
    public static async Task<(string Token, string Cookie)> FormTokenAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var form = await client.GetAsync("/dashboard/login", cancellationToken);
        var html = await form.Content.ReadAsStringAsync(cancellationToken);
        var token = TokenField().Match(html);
        var cookie = form.Headers.TryGetValues("Set-Cookie", out var values) ? string.Join("; ", values.Select(v => v.Split(';')[0])) : string.Empty;
        return (token.Success ? WebUtility.HtmlDecode(token.Groups["token"].Value) : string.Empty, cookie);
    }

    // ---- Odd methods and paths that lead nowhere (never with a valid key: routing ignores case, so a variant could match) ----

    private MalformedRequest StrayCase(int index, Random random)
    {
        var known = _api[random.Next(_api.Count)].Fill(_ => "fz-" + RandomId(random));
        var (method, path, what) = random.Next(6) switch
        {
            0 => (new[] { "TRACE", "PROPFIND", "PURGE", "FZ", "LINK", "M-SEARCH", "OPTIONS" }[random.Next(7)], known, "odd method"),
            1 => ("GET", "/api/fz-" + RandomId(random), "unknown path"),
            2 => ("POST", "/api/events/" + RandomId(random) + "/fz/" + RandomId(random), "unknown path below a resource"),
            3 => ("GET", "/dashboard/" + new[] { "app/../../appsettings.json", "vendor/%2e%2e/%2e%2e/Notify.Api.dll", "api/fz", "index.html", "app/fz.js" }[random.Next(5)], "dashboard path traversal or unknown file"),
            4 => (new[] { "POST", "DELETE", "PUT" }[random.Next(3)], new[] { "/health", "/alive", "/metrics", "/openapi/v1.json" }[random.Next(4)], "write method on a public endpoint"),
            _ => ("GET", "/api//events" + new string('/', random.Next(1, 50)), "repeated slashes"),
        };
        var credential = random.Next(2) == 0 ? Garbage(random) : new Credential("none", false, _ => { });
        return new MalformedRequest(index, $"{method} {path}", credential.Name, [what], (client, ct) =>
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path);
            credential.Apply(request);
            if (method is "POST" or "PUT" or "PROPFIND")
            {
                request.Content = new StringContent("{\"fz\":1}", Encoding.UTF8, "application/json");
            }

            return SendAndDisposeAsync(client, request, ct);
        }, Raw: null)
        {
            Kind = "stray",
        };
    }

    // ---- Protocol abuse, written on a raw socket ----

    private MalformedRequest RawCase(int index, Random random)
    {
        var body = "{\"fz\":";
        var (what, request) = random.Next(14) switch
        {
            0 => ("Content-Length not a number", $"POST /api/events HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{body}"),
            1 => ("negative Content-Length", $"POST /api/events HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{body}"),
            2 => ("Content-Length beyond 64 bits", $"POST /api/events HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999999\r\n\r\n{body}"),
            3 => ("two different Content-Lengths", $"POST /api/keys HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 6\r\nContent-Length: 3\r\n\r\n{body}"),
            4 => ("Content-Length longer than the body", $"PUT /api/users/fz-1/contact HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: {random.Next(50, 100000)}\r\n\r\n{body}"),
            5 => ("Content-Length and chunked", $"POST /api/events HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n{body}\r\n0\r\n\r\n"),
            6 => ("a broken chunk size", $"POST /api/events/batch HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{body}\r\n0\r\n\r\n"),
            7 => ("a transfer coding that is not chunked", $"POST /api/events HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n{body}"),
            8 => ("a header line without a colon", "GET /api/events HTTP/1.1\r\nHost: h\r\nfz header without colon\r\n\r\n"),
            9 => ("a folded header", "GET /api/events HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer\r\n nfy_live_folded\r\n\r\n"),
            10 => ("a request line beyond the limit", $"GET /api/events?{new string('a', random.Next(9000, 20000))} HTTP/1.1\r\nHost: h\r\n\r\n"),
            11 => ("garbage for a request line", $"{RandomText(random, 1, 200)}\r\n\r\n"),
            12 => ("an absolute-form target for another host", "GET http://evil.example/api/events HTTP/1.1\r\nHost: h\r\n\r\n"),
            _ => ("bytes that are not ASCII in a header", "GET /api/keys HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer \u00ff\u00fe\u0000\r\nX-Fz: \u00e9\r\n\r\n"),
        };
        return new MalformedRequest(index, "raw socket", "none", [what], SendAsync: null, Encoding.Latin1.GetBytes(request)) { Kind = "raw socket" };
    }

    // ---- Helpers ----

    private static async Task<HttpResponseMessage> SendAndDisposeAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
    }

    private static string RandomId(Random random) => RandomText(random, 8, 20, "abcdefghijklmnopqrstuvwxyz0123456789");

    private static string RandomText(Random random, int min, int max, string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!*'();:@&=+$,/?#[] ")
    {
        var chars = new char[random.Next(min, max + 1)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    /// <summary>Small random JSON of any kind.</summary>
    private static JsonNode? RandomJson(Random random, int depth) => random.Next(depth <= 0 ? 5 : 7) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(random.NextDouble() * 1e6),
        3 => JsonValue.Create(RandomText(random, 0, 30)),
        4 => JsonValue.Create(long.MaxValue),
        5 => new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => RandomJson(random, depth - 1))]),
        _ => new JsonObject(Enumerable.Range(0, random.Next(4)).Select(i => KeyValuePair.Create($"k{i}", RandomJson(random, depth - 1)))),
    };

    [GeneratedRegex("\"(?<name>[A-Za-z_][A-Za-z0-9_]*)\":")]
    private static partial Regex MemberName();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex TokenField();
}
