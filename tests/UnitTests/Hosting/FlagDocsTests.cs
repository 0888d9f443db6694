using System.Text.RegularExpressions;
using SandboxOperator.Hosting;

namespace UnitTests.Hosting;

/// <summary>The flag table of docs/configuration.md and <c>--help</c> say exactly the flags the operator reads.</summary>
public partial class FlagDocsTests
{
    [Test]
    public void The_configuration_doc_flag_table_names_every_flag_and_no_other()
    {
        var doc = File.ReadAllText(Path.Combine(TestInfra.RepositoryRoot.Path, "docs", "configuration.md"));
        var start = doc.IndexOf("\n## Flags\n", StringComparison.Ordinal);
        Assert.That(start, Is.Not.Negative, "docs/configuration.md has a \"## Flags\" section");
        var section = doc[(start + 1)..];
        var end = section.IndexOf("\n## ", 3, StringComparison.Ordinal);
        section = end < 0 ? section : section[..end];
        var documented = section.Split('\n')
            .Where(line => line.StartsWith("| `--", StringComparison.Ordinal))
            .SelectMany(line => FlagName().Matches(line.Split('|')[1]).Select(m => m.Value))
            .ToHashSet();

        Assert.That(documented, Is.EquivalentTo(CommandLine.Flags.Select(f => f.Name)));
    }

    [Test]
    public void Help_lists_every_flag_once_with_its_help()
    {
        var lines = CommandLine.Usage.Split('\n');

        Assert.Multiple(() =>
        {
            foreach (var flag in CommandLine.Flags)
            {
                Assert.That(lines.Count(l => l.TrimStart().StartsWith(flag.Name + " ", StringComparison.Ordinal) && l.Contains(flag.Help, StringComparison.Ordinal)), Is.EqualTo(1), flag.Name);
            }

            Assert.That(CommandLine.Switches, Has.Count.EqualTo(CommandLine.Flags.Count), "no flag declared twice");
        });
    }

    [GeneratedRegex("--[a-z][a-z-]*")]
    private static partial Regex FlagName();
}
