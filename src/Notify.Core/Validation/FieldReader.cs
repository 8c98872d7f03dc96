using System.Text.Json;

namespace Notify.Core.Validation;

/// <summary>
/// Reads a <see cref="JsonElement"/> field by field and collects every error under the field's JSON path, so one
/// answer names all that is wrong. Absent and <c>null</c> are the same for optional fields.
/// </summary>
internal sealed class FieldReader
{
    private Dictionary<string, List<string>>? errors;

    public bool HasErrors => errors is not null;

    public static string Path(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    public static bool IsAbsent(JsonElement value) => value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    public void Error(string path, string message)
    {
        errors ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var key = path.Length == 0 ? ParseResult.RootKey : path;
        if (!errors.TryGetValue(key, out var messages))
        {
            errors[key] = messages = [];
        }

        messages.Add(message);
    }

    public bool HasError(string path) => errors?.ContainsKey(path.Length == 0 ? ParseResult.RootKey : path) == true;

    public ParseResult<T> Result<T>(T? value) =>
        errors is null
            ? ParseResult.Success(value ?? throw new InvalidOperationException("A parser produced no value and no error."))
            : ParseResult.Failure<T>(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));

    /// <summary>The members of an object aligned with <paramref name="known"/> (Undefined when absent); null when not an object.</summary>
    public JsonElement[]? Object(JsonElement element, string path, string[] known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(path, "must be a JSON object");
            return null;
        }

        var values = new JsonElement[known.Length];
        foreach (var member in element.EnumerateObject())
        {
            var index = System.Array.IndexOf(known, member.Name);
            if (index < 0)
            {
                Error(Path(path, member.Name), "unknown field");
            }
            else if (values[index].ValueKind != JsonValueKind.Undefined)
            {
                // Two values for one field make the body ambiguous; parsers disagree on which one wins.
                Error(Path(path, member.Name), "duplicate field");
            }
            else
            {
                values[index] = member.Value;
            }
        }

        return values;
    }

    public string? String(JsonElement value, string path, bool required)
    {
        if (IsAbsent(value))
        {
            if (required)
            {
                Error(path, "is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(path, "must be a string");
            return null;
        }

        return value.GetString();
    }

    /// <summary>A string that must satisfy <paramref name="isValid"/>; <paramref name="rule"/> says what is expected.</summary>
    public string? String(JsonElement value, string path, bool required, Func<string, bool> isValid, string rule)
    {
        var text = String(value, path, required);
        if (text is not null && !isValid(text))
        {
            Error(path, rule);
            return null;
        }

        return text;
    }

    public bool? Boolean(JsonElement value, string path, bool required)
    {
        if (IsAbsent(value))
        {
            if (required)
            {
                Error(path, "is required");
            }

            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error(path, "must be a boolean");
            return null;
        }

        return value.GetBoolean();
    }

    public DateTimeOffset? Timestamp(JsonElement value, string path)
    {
        var text = String(value, path, required: false);
        if (text is null)
        {
            return null;
        }

        if (!FieldFormats.TryParseTimestamp(text, out var timestamp))
        {
            Error(path, "must be an ISO 8601 date and time with an offset, e.g. 2026-05-01T09:30:00Z");
            return null;
        }

        return timestamp;
    }

    /// <summary>The array's items, or null when absent or not an array (reported when it is not).</summary>
    public JsonElement? Array(JsonElement value, string path, bool required)
    {
        if (IsAbsent(value))
        {
            if (required)
            {
                Error(path, "is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(path, "must be an array");
            return null;
        }

        return value;
    }
}
