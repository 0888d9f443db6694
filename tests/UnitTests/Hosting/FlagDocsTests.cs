using System.Text.RegularExpressions;
using SandboxOperator.Hosting;

namespace UnitTests.Hosting;

/// <summary>The README's configuration table and <c>--help</c> say exactly the flags the operator reads.</summary>
public partial class FlagDocsTests
{
    [Test]
    public void The_readme_configuration_table_names_every_flag_and_no_other()
    {
        var readme = File.ReadAllText(Path.Combine(TestInfra.RepositoryRoot.Path, "README.md"));
        var section = readme[readme.IndexOf("## Configuration", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
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
