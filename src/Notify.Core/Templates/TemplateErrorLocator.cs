using HandlebarsDotNet;

namespace Notify.Core.Templates;

/// <summary>
/// Finds where a template is broken when Handlebars.Net's error carries no position (unclosed or stray blocks,
/// malformed expressions): walks the mustaches, balancing blocks, and compiles each one alone.
/// </summary>
internal static class TemplateErrorLocator
{
    private static readonly Dictionary<string, object?> Empty = new(StringComparer.Ordinal);

    public static (int Line, int Column)? Locate(string source, IHandlebars environment)
    {
        var open = new Stack<(string Name, int Index)>();
        var index = 0;
        while ((index = source.IndexOf("{{", index, StringComparison.Ordinal)) >= 0)
        {
            var start = index;
            if (start > 0 && source[start - 1] == '\\')
            {
                index = start + 2;
                continue;
            }

            var rest = source.AsSpan(start);
            var close = rest.StartsWith("{{!--") ? "--}}" : rest.StartsWith("{{{") ? "}}}" : "}}";
            var end = source.IndexOf(close, start + 2, StringComparison.Ordinal);
            if (end < 0)
            {
                return Position(source, start);
            }

            index = end + close.Length;
            var tag = source[start..index];
            var inner = tag.AsSpan().Trim('{').Trim('}').Trim('~').Trim();
            if (inner.IsEmpty || inner[0] == '!')
            {
                continue;
            }

            var name = Word(inner[1..]);
            switch (inner[0])
            {
                case '#' or '^' when name.Length > 0:
                    open.Push((name, start));
                    if (!CompilesAlone(tag + "{{/" + name + "}}", environment))
                    {
                        return Position(source, start);
                    }

                    break;
                case '/':
                    if (open.Count == 0 || open.Pop().Name != name)
                    {
                        return Position(source, start);
                    }

                    break;
                case '^':
                    break;
                default:
                    if (Word(inner) != "else" && !CompilesAlone(tag, environment))
                    {
                        return Position(source, start);
                    }

                    break;
            }
        }

        return open.Count > 0 ? Position(source, open.Peek().Index) : null;
    }

    private static string Word(ReadOnlySpan<char> text)
    {
        text = text.TrimStart();
        var end = text.IndexOfAny(" \t\r\n}~");
        return (end < 0 ? text : text[..end]).ToString();
    }

    private static bool CompilesAlone(string tag, IHandlebars environment)
    {
        try
        {
            environment.Compile(tag)(Empty);
            return true;
        }
#pragma warning disable CA1031 // Probing: any failure means this mustache is the broken one.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    private static (int Line, int Column) Position(string source, int index)
    {
        var before = source.AsSpan(0, index);
        var lineStart = before.LastIndexOf('\n') + 1;
        return (before.Count('\n') + 1, index - lineStart + 1);
    }
}
