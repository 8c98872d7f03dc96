using System.Text.Json;
using Notify.Core.Events;
using Notify.Core.Validation;

namespace Notify.Core.Keys;

/// <summary>A <c>POST /api/keys</c> body.</summary>
public sealed record ApiKeyRequest(string Name, ApiScopes Scopes, KeyMode Mode);

/// <summary>Parses <c>{name, scopes: ["send"|"read"|"admin", ...], mode: "live"|"test"}</c>.</summary>
public static class ApiKeyRequestParser
{
    private static readonly string[] Members = ["name", "scopes", "mode"];

    public static ParseResult<ApiKeyRequest> Parse(JsonElement body)
    {
        var reader = new FieldReader();
        if (reader.Object(body, "", Members) is not { } m)
        {
            return reader.Result<ApiKeyRequest>(null);
        }

        var name = reader.String(m[0], "name", required: true, FieldFormats.IsKeyName,
            $"must be 1-{IngestionLimits.KeyNameMaxLength} characters, not blank, without control characters");

        var scopes = ApiScopes.None;
        if (reader.Array(m[1], "scopes", required: true) is { } array)
        {
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var path = FieldReader.Index("scopes", index++);
                if (item.ValueKind != JsonValueKind.String || !WireNames.TryParseScope(item.GetString(), out var scope))
                {
                    reader.Error(path, "must be one of send, read, admin");
                }
                else
                {
                    scopes |= scope;
                }
            }

            if (index == 0)
            {
                reader.Error("scopes", "must name at least one scope");
            }
        }

        var modeName = reader.String(m[2], "mode", required: true);
        var mode = default(KeyMode);
        if (modeName is not null && !WireNames.TryParseKeyMode(modeName, out mode))
        {
            reader.Error("mode", "must be live or test");
        }

        return reader.Result(reader.HasErrors ? null : new ApiKeyRequest(name!, scopes, mode));
    }
}
