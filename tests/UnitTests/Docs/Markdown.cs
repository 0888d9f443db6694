using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace UnitTests.Docs;

/// <summary>
/// What the documentation tests read out of a markdown file: its relative links, its headings' anchors as GitHub makes
/// them, and the <c>make</c> commands it shows. Only as much markdown as the repository's files use: inline and
/// reference links, ATX headings, fenced code blocks and code spans.
/// </summary>
public static partial class Markdown
{
    /// <summary>A link as written, and the line it is on (1-based).</summary>
    public sealed record Link(string Target, int Line);

    /// <summary>One <c>make</c> command: its targets, its variables (<c>ARGS</c> unquoted), and its line.</summary>
    public sealed record MakeCommand(IReadOnlyList<string> Targets, IReadOnlyDictionary<string, string> Variables, int Line);

    /// <summary>The links outside code (a link inside a code span or block is text, not a link), with no scheme.</summary>
    public static IEnumerable<Link> RelativeLinks(string markdown) =>
        Prose(markdown).SelectMany(line => InlineLink().Matches(line.Text).Concat(ReferenceLink().Matches(line.Text))
            .Select(m => new Link(m.Groups["target"].Value.Trim('<', '>'), line.Number)))
            .Where(link => !Scheme().IsMatch(link.Target));

    /// <summary>
    /// The anchors GitHub gives the headings: the heading's text as rendered (code spans and links reduced to their
    /// text), lower case, every character but letters, digits, spaces, <c>-</c> and <c>_</c> dropped, spaces turned into
    /// <c>-</c>; a repeated slug gets <c>-1</c>, <c>-2</c>. Explicit <c>id</c>/<c>name</c> anchors count too.
    /// </summary>
    public static IReadOnlySet<string> Anchors(string markdown)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in Lines(markdown).Where(l => !l.InCode))
        {
            if (Heading().Match(line.Text) is { Success: true } heading)
            {
                var slug = Slug(heading.Groups["text"].Value);
                anchors.Add(seen.TryGetValue(slug, out var count) ? $"{slug}-{count}" : slug);
                seen[slug] = count + 1;
            }

            anchors.UnionWith(HtmlAnchor().Matches(line.Text).Select(m => m.Groups["id"].Value));
        }

        return anchors;
    }

    public static string Slug(string heading)
    {
        var text = InlineLink().Replace(heading, m => m.Groups["text"].Value).Replace("`", "", StringComparison.Ordinal);
        var slug = new StringBuilder();
        foreach (var c in text.Trim().ToLowerInvariant())
        {
            if (c == ' ')
            {
                slug.Append('-');
            }
            else if (c is '-' or '_' || char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark)
            {
                slug.Append(c);
            }
        }

        return slug.ToString();
    }

    /// <summary>
    /// Every <c>make</c> command in code (code spans and fenced blocks): prose says "make" in other senses, a command is
    /// always shown as code. Shell comments in blocks are dropped; variables (<c>NAME=value</c>, quoted or not) are
    /// kept apart from the targets.
    /// </summary>
    public static IEnumerable<MakeCommand> MakeCommands(string markdown) =>
        Code(markdown).SelectMany(code => MakeCall().Matches(code.Text).Select(m => Parse(m.Groups["rest"].Value, code.Number)));

    private static MakeCommand Parse(string rest, int line)
    {
        var targets = new List<string>();
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match word in ShellWord().Matches(rest))
        {
            if (word.Groups["name"].Success)
            {
                variables[word.Groups["name"].Value] = word.Groups["value"].Value.Trim('\'', '"');
            }
            else if (Target().IsMatch(word.Value))
            {
                targets.Add(word.Value);
            }
            else
            {
                break;
            }
        }

        return new MakeCommand(targets, variables, line);
    }

    private sealed record Line(string Text, int Number, bool InCode);

    private static IEnumerable<Line> Lines(string markdown)
    {
        var inFence = false;
        var number = 0;
        foreach (var text in markdown.Split('\n'))
        {
            number++;
            var fence = text.TrimStart().StartsWith("```", StringComparison.Ordinal) || text.TrimStart().StartsWith("~~~", StringComparison.Ordinal);
            yield return new Line(text, number, inFence || fence);
            inFence ^= fence;
        }
    }

    /// <summary>Lines outside fenced blocks, with their code spans blanked out.</summary>
    private static IEnumerable<Line> Prose(string markdown) =>
        Lines(markdown).Where(l => !l.InCode).Select(l => l with { Text = CodeSpan().Replace(l.Text, "``") });

    /// <summary>
    /// Code: each line of a fenced block (its shell comment dropped), and each code span of a paragraph, read across the
    /// paragraph's line breaks (a long command wraps), numbered by the line it starts on.
    /// </summary>
    private static IEnumerable<Line> Code(string markdown)
    {
        var lines = Lines(markdown).ToList();
        foreach (var line in lines.Where(l => l.InCode))
        {
            yield return line with { Text = ShellComment().Replace(line.Text, "") };
        }

        var prose = lines.Where(l => !l.InCode).ToList();
        var text = string.Join('\n', prose.Select(l => l.Text));
        foreach (Match span in CodeSpan().Matches(text))
        {
            var number = prose[text[..span.Index].Count(c => c == '\n')].Number;
            yield return new Line(span.Value.Trim('`').Replace('\n', ' '), number, true);
        }
    }

    [GeneratedRegex(@"\[(?<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\((?<target><[^>]*>|[^)\s]*)(?:\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*(?<target>\S+)")]
    private static partial Regex ReferenceLink();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^\s{0,3}#{1,6}\s+(?<text>.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"<a\s[^>]*(?:id|name)=""(?<id>[^""]+)""")]
    private static partial Regex HtmlAnchor();

    [GeneratedRegex(@"`+[^`]+`+")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"(?:^|\s)#.*$")]
    private static partial Regex ShellComment();

    [GeneratedRegex(@"(?:^|[\s;&|(])make\s+(?<rest>[^;&|)\n]*)")]
    private static partial Regex MakeCall();

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|'[^']*'|\S*)|\S+")]
    private static partial Regex ShellWord();

    [GeneratedRegex(@"^[a-z][a-z0-9_.-]*$")]
    private static partial Regex Target();
}
