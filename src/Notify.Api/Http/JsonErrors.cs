using System.Text.Json;
using System.Text.RegularExpressions;

namespace Notify.Api.Http;

/// <summary>
/// Client-facing wording of System.Text.Json's errors: the serializer names .NET types and appends its own position
/// suffix, neither of which means anything to an API client.
/// </summary>
internal static partial class JsonErrors
{
    /// <summary>The error key of a JSON path, as Notify's parsers write them: <c>recipient.email</c>, <c>channels[1]</c>, <c>$</c> for the body.</summary>
    public static string Key(string? path) => path switch
    {
        null or "" or "$" => "$",
        _ when path.StartsWith("$.", StringComparison.Ordinal) => path[2..],
        _ when path.StartsWith("$[", StringComparison.Ordinal) => path[1..],
        _ => path,
    };

    public static string Describe(JsonException exception)
    {
        var message = exception.Message;
        if (UnmappedMember().Match(message) is { Success: true } unmapped)
        {
            return $"Unknown field '{unmapped.Groups["name"].Value}'.";
        }

        if (CouldNotConvert().Match(message) is { Success: true } conversion)
        {
            return $"Expected {Kind(conversion.Groups["type"].Value)}.";
        }

        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            return $"Missing required field(s) {missing.Groups["names"].Value}.";
        }

        var suffix = message.IndexOf(" Path: ", StringComparison.Ordinal);
        message = suffix >= 0 ? message[..suffix] : message;
        var position = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        return position >= 0 ? $"{message[..position].TrimEnd()} (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})" : message;
    }

    /// <summary>A query or route value that did not bind (<c>?limit=many</c>): the parameter and what it takes.</summary>
    public static (string Name, string Message)? DescribeBinding(string message)
    {
        var match = BindingFailure().Match(message);
        if (!match.Success)
        {
            return null;
        }

        var name = match.Groups["name"].Value;
        return match.Groups["kind"].Value == "Required"
            ? (name, "is required")
            : (name, $"Expected {Kind(ClrName(match.Groups["type"].Value))}.");
    }

    // Binding messages use C# spellings (Nullable<int>, string); the serializer's use CLR names.
    private static string ClrName(string csharp) => csharp.Replace("Nullable<", string.Empty, StringComparison.Ordinal).TrimEnd('>', '?') switch
    {
        "int" or "long" or "short" => "System.Int32",
        "bool" => "System.Boolean",
        "string" => "System.String",
        "double" or "decimal" or "float" => "System.Double",
        "DateTimeOffset" => "System.DateTimeOffset",
        var other => other,
    };

    /// <summary>What a CLR type is in JSON terms; generic names may be assembly-qualified, so this looks inside them.</summary>
    private static string Kind(string type) => type switch
    {
        _ when type.Contains("Dictionary", StringComparison.Ordinal) => "an object",
        _ when type.Contains("List`", StringComparison.Ordinal) || type.Contains("[]", StringComparison.Ordinal) || type.Contains("Enumerable`", StringComparison.Ordinal) => "an array",
        _ when type.Contains("System.Boolean", StringComparison.Ordinal) => "true or false",
        _ when type.Contains("System.String", StringComparison.Ordinal) => "a string",
        _ when type.Contains("System.Int", StringComparison.Ordinal) || type.Contains("System.UInt", StringComparison.Ordinal) => "an integer",
        _ when type.Contains("System.Double", StringComparison.Ordinal) || type.Contains("System.Decimal", StringComparison.Ordinal) => "a number",
        _ when type.Contains("System.DateTimeOffset", StringComparison.Ordinal) => "an RFC 3339 timestamp",
        _ => "a value of another JSON type",
    };

    [GeneratedRegex("^(?<kind>Failed to bind|Required) parameter \"(?<type>[^\"]*) (?<name>[A-Za-z0-9_]+)\"")]
    private static partial Regex BindingFailure();

    [GeneratedRegex(@"The JSON property '(?<name>[^']*)' could not be mapped")]
    private static partial Regex UnmappedMember();

    [GeneratedRegex(@"could not be converted to (?<type>.+?)\. Path:")]
    private static partial Regex CouldNotConvert();

    [GeneratedRegex(@"missing required properties including: (?<names>.*)\.")]
    private static partial Regex MissingRequired();
}
