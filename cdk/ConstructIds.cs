using System.Globalization;

namespace Notify.Cdk;

/// <summary>Construct ids from the definition's logical names, so a template's logical ids read like the definition.</summary>
internal static class ConstructIds
{
    /// <summary><c>high-dlq</c> → <c>HighDlq</c>.</summary>
    public static string Of(string logicalName) =>
        string.Concat(logicalName.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpper(p[0], CultureInfo.InvariantCulture) + p[1..]));
}
