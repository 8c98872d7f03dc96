using System.Text;

namespace Notify.ServiceDefaults.Privacy;

/// <summary>
/// Masks contact details before they reach a log, a span or a metric label: <c>ada@example.com</c> → <c>a***@example.com</c>,
/// <c>+447700900123</c> → <c>+44*******23</c>. Masks have a fixed width so they do not leak the length either.
/// </summary>
public static class Redact
{
    private const string Mask = "***";
    private const string PhoneMask = "*******";

    /// <summary>The first character of the local part, a fixed mask, and the domain (which deliverability work needs).</summary>
    public static string Email(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return "";
        }

        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1)
        {
            return Mask;
        }

        var first = Rune.DecodeFromUtf16(email, out _, out var consumed) == System.Buffers.OperationStatus.Done ? email[..consumed] : "";
        return first + Mask + email[at..];
    }

    /// <summary>
    /// The leading <c>+</c> and two digits (the country code, mostly), a fixed mask and the last two digits; formatting
    /// characters are ignored. Numbers too short to keep anything are masked whole.
    /// </summary>
    public static string Phone(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return "";
        }

        var digits = new StringBuilder(phone.Length);
        foreach (var c in phone)
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
        }

        if (digits.Length < 7)
        {
            return PhoneMask;
        }

        var plus = phone.TrimStart().StartsWith('+') ? "+" : "";
        return $"{plus}{digits.ToString(0, 2)}{PhoneMask}{digits.ToString(digits.Length - 2, 2)}";
    }

    /// <summary>A recipient of any channel: an email address, a phone number, or anything else masked whole.</summary>
    public static string Recipient(string? recipient)
    {
        if (string.IsNullOrEmpty(recipient))
        {
            return "";
        }

        if (recipient.Contains('@', StringComparison.Ordinal))
        {
            return Email(recipient);
        }

        var trimmed = recipient.Trim();
        return trimmed.Length > 0 && (trimmed[0] == '+' || char.IsAsciiDigit(trimmed[0])) ? Phone(trimmed) : Mask;
    }
}
