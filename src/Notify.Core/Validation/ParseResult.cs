using System.Diagnostics.CodeAnalysis;

namespace Notify.Core.Validation;

/// <summary>
/// A parsed request body: the value, or every field error at once keyed by the field's JSON path
/// (<c>eventId</c>, <c>recipient.phone</c>, <c>channels[1]</c>; <c>$</c> for the body itself), ready for RFC 9457
/// validation problem details.
/// </summary>
public sealed class ParseResult<T>
{
    internal ParseResult(T? value, IReadOnlyDictionary<string, string[]> errors)
    {
        Value = value;
        Errors = errors;
    }

    public T? Value { get; }

    public IReadOnlyDictionary<string, string[]> Errors { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsValid => Errors.Count == 0;
}

public static class ParseResult
{
    /// <summary>The error key for the body as a whole (not an object, no field at all, ...).</summary>
    public const string RootKey = "$";

    internal static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    public static ParseResult<T> Success<T>(T value) => new(value, NoErrors);

    public static ParseResult<T> Failure<T>(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        return new ParseResult<T>(default, errors);
    }
}
