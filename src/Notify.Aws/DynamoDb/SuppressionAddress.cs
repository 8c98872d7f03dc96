using System.Text;
using Notify.Core.Events;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// The one spelling of an address on the suppression list, so a bounce recorded as <c>Jane@Example.com</c> suppresses
/// <c>jane@example.com</c>: emails trimmed and lower-cased, phones in E.164 (<c>+</c> and digits; separators dropped,
/// a leading <c>00</c> read as <c>+</c>), other channels (push endpoints, in-app) trimmed only.
/// </summary>
public static class SuppressionAddress
{
    /// <exception cref="ArgumentException">The address is empty, or a phone number that is not E.164 once separators are dropped.</exception>
    public static string Normalize(Channel channel, string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var trimmed = address.Trim();
        return channel switch
        {
            Channel.Email => trimmed.ToLowerInvariant(),
            Channel.Sms => NormalizePhone(trimmed),
            _ => trimmed,
        };
    }

    private static string NormalizePhone(string phone)
    {
        var digits = new StringBuilder(phone.Length);
        foreach (var c in phone)
        {
            if (char.IsAsciiDigit(c) || (c == '+' && digits.Length == 0))
            {
                digits.Append(c);
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')'))
            {
                throw new ArgumentException($"'{c}' has no place in a phone number.", nameof(phone));
            }
        }

        var text = digits.ToString();
        if (text.StartsWith("00", StringComparison.Ordinal))
        {
            text = "+" + text[2..];
        }

        // E.164: a country code that does not start with 0, at most 15 digits in all.
        if (text.Length is < 3 or > 16 || text[0] != '+' || text[1] == '0')
        {
            throw new ArgumentException("A phone number must be in E.164 form (+ and 2 to 15 digits).", nameof(phone));
        }

        return text;
    }
}
