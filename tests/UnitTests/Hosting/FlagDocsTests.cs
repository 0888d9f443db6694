using System.CommandLine;
using System.CommandLine.Help;
using System.Text.RegularExpressions;
using SandboxOperator.Hosting;

namespace UnitTests.Hosting;

/// <summary>The flag table of docs/configuration.md and <c>--help</c> say exactly the flags the operator's command declares.</summary>
public partial class FlagDocsTests
{
    /// <summary>The flags as System.CommandLine has them: the options of the operator's command, less help and version.</summary>
    internal static IReadOnlyList<Option> DeclaredFlags() =>
        [.. CommandLine.Create(_ => Task.FromResult(0), _ => { }).Options.Where(o => o is not (HelpOption or VersionOption))];

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

        Assert.That(documented, Is.EquivalentTo(DeclaredFlags().Select(o => o.Name)));
    }

    [Test]
    public async Task Help_lists_every_flag_once_with_its_help_and_default()
    {
        var help = await CommandLineTests.RunAsync("--help");
        var lines = help.Output.Split('\n').Select(l => l.Trim()).ToList();

        Assert.Multiple(() =>
        {
            foreach (var flag in CommandLine.Flags)
            {
                var said = flag.Default is { } value ? $"{flag.Help} [default: {value}]" : flag.Help;
                Assert.That(lines.Count(l => l.StartsWith($"{flag.Name} <{flag.Argument}>", StringComparison.Ordinal) && l.EndsWith(said, StringComparison.Ordinal)), Is.EqualTo(1), flag.Name);
            }

            Assert.That(DeclaredFlags().Select(o => o.Name), Is.EqualTo(CommandLine.Flags.Select(f => f.Name)), "each declared option is a flag with a configuration key");
            Assert.That(CommandLine.Flags.Select(f => f.Name), Is.Unique, "no flag declared twice");
            Assert.That(CommandLine.Flags.Select(f => f.Key), Is.Unique, "no key set by two flags");
        });
    }

    [Test]
    public void The_defaults_help_states_are_the_options_own()
    {
        var workers = CommandLine.Flags.Single(f => f.Name == "--workers");
        var interval = CommandLine.Flags.Single(f => f.Name == "--progress-poll-interval");

        Assert.Multiple(() =>
        {
            Assert.That(workers.Default, Is.EqualTo(new OperatorOptions().Workers.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(interval.Default, Is.EqualTo("00:00:00.75"), "a duration without trailing zeros");
            Assert.That(CommandLine.Flags.Single(f => f.Name == "--observation").Default, Is.EqualTo("batched"));
            Assert.That(CommandLine.Flags.Single(f => f.Name == "--health-address").Default, Is.EqualTo(CommandLine.DefaultHealthAddress));
        });
    }

    [GeneratedRegex("--[a-z][a-z-]*")]
    private static partial Regex FlagName();
}
