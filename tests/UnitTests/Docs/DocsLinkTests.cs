using System.Text.RegularExpressions;
using SandboxOperator.Hosting;

namespace UnitTests.Docs;

/// <summary>
/// The README and docs/ say what the code has: every relative link reaches a file (and a heading, for an anchor), every
/// <c>make</c> target they name is in the Makefile, and the flags they pass to <c>make run</c> and <c>make bench</c>
/// are ones the operator and the benchmark read. The docs move often (issue 22 split the README into docs/), and a
/// link or a command that stops working is only noticed by the newcomer who follows it.
/// </summary>
public partial class DocsLinkTests
{
    private static string Root => TestInfra.RepositoryRoot.Path;

    [Test]
    public void Every_relative_link_in_the_readmes_and_docs_resolves()
    {
        var broken = BrokenLinks(Root, Documents().Concat(FolderReadmes())).ToList();

        Assert.That(broken, Is.Empty, $"links that lead nowhere:\n  {string.Join("\n  ", broken)}");
    }

    [Test]
    public void Every_make_target_the_readme_and_docs_name_is_in_the_makefile()
    {
        var targets = MakefileTargets(File.ReadAllText(Path.Combine(Root, "Makefile")));
        var unknown = Documents().SelectMany(file => UnknownTargets(targets, Relative(Root, file), File.ReadAllText(file))).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(unknown, Is.Empty, $"make targets the Makefile does not have:\n  {string.Join("\n  ", unknown)}");
            Assert.That(Documents().SelectMany(file => Markdown.MakeCommands(File.ReadAllText(file))).SelectMany(c => c.Targets).Distinct(),
                Is.SupersetOf(new[] { "test", "demo", "bench", "run", "image" }), "the commands the README and docs show are all found");
        });
    }

    [Test]
    public void The_flags_the_docs_pass_to_make_run_and_make_bench_are_ones_the_operator_and_the_bench_read()
    {
        var read = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
        {
            ["run"] = CommandLine.Flags.Select(f => f.Name).ToHashSet(StringComparer.Ordinal),
            ["bench"] = BenchFlag().Matches(File.ReadAllText(Path.Combine(Root, "tests", "Benchmarks", "BenchSettings.cs")))
                .Select(m => m.Groups["flag"].Value).ToHashSet(StringComparer.Ordinal),
        };
        var passed = Documents().SelectMany(file => Markdown.MakeCommands(File.ReadAllText(file))
            .Where(c => c.Targets.Count == 1 && read.ContainsKey(c.Targets[0]) && c.Variables.ContainsKey("ARGS"))
            .SelectMany(c => ArgsFlag().Matches(c.Variables["ARGS"]).Select(m => (where: $"{Relative(Root, file)}:{c.Line} make {c.Targets[0]}", target: c.Targets[0], flag: m.Value))))
            .ToList();
        var unknown = passed.Where(p => !read[p.target].Contains(p.flag)).Select(p => $"{p.where}: {p.flag}").ToList();

        Assert.Multiple(() =>
        {
            Assert.That(read["bench"], Does.Contain("--scenarios"), "the bench's flags are read from its parser");
            Assert.That(passed.Select(p => p.target).Distinct(), Is.EquivalentTo(new[] { "run", "bench" }), "the docs show both with ARGS");
            Assert.That(unknown, Is.Empty, $"flags nothing reads:\n  {string.Join("\n  ", unknown)}");
        });
    }

    [Test]
    public void The_checks_report_a_broken_link_a_missing_heading_and_an_unknown_make_target()
    {
        var root = Directory.CreateTempSubdirectory("docs-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "docs"));
            File.WriteAllText(Path.Combine(root, "docs", "a.md"), "# A heading: `make test`\n\n## A heading: `make test`\n\n[back](../README.md#top)\n");
            var readme = "# Top\n\n[fine](docs/a.md#a-heading-make-test-1) [folder](docs/) [web](https://example.com)\n" +
                "[gone](docs/missing.md) and [bad anchor](docs/a.md#nope), `[code](nowhere.md)`\n\n" +
                "```sh\nmake build VAR=1 # make nothing\n```\n\nthis will make sense; `make ghost ARGS='--x y'`\n";
            File.WriteAllText(Path.Combine(root, "README.md"), readme);
            var targets = MakefileTargets("SHELL := /bin/bash\n.PHONY: build\nbuild other: deps\n\tmake inner\n");

            Assert.Multiple(() =>
            {
                Assert.That(BrokenLinks(root, [Path.Combine(root, "README.md"), Path.Combine(root, "docs", "a.md")]), Is.EqualTo(new[]
                {
                    "README.md:4 docs/missing.md: no such file",
                    "README.md:4 docs/a.md#nope: no heading with that anchor",
                }));
                Assert.That(targets, Is.EquivalentTo(new[] { "build", "other" }));
                Assert.That(UnknownTargets(targets, "README.md", readme), Is.EqualTo(new[] { "README.md:10 make ghost" }));
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The files a newcomer reads: the README and every file of docs/.</summary>
    private static IEnumerable<string> Documents() =>
        new[] { Path.Combine(Root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal));

    /// <summary>The READMEs beside the code (operator/README.md, the chart's, each test project's), which link into docs/ too.</summary>
    private static IEnumerable<string> FolderReadmes() =>
        new[] { "operator", "charts", "examples", "tests" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Root, folder), "README.md", SearchOption.AllDirectories))
            .Where(file => !Relative(Root, file).Split('/').Any(part => part is "bin" or "obj" or "node_modules" or "StrykerOutput"))
            .Order(StringComparer.Ordinal);

    internal static IEnumerable<string> BrokenLinks(string root, IEnumerable<string> files) =>
        files.SelectMany(file => Markdown.RelativeLinks(File.ReadAllText(file))
            .Select(link => (link, problem: Problem(root, file, link.Target)))
            .Where(l => l.problem is not null)
            .Select(l => $"{Relative(root, file)}:{l.link.Line} {l.link.Target}: {l.problem}"));

    /// <summary>
    /// Why a link does not resolve on GitHub, or null: its path (relative to the file, or to the repository with a
    /// leading <c>/</c>) must be a file or folder inside the repository, and an anchor into markdown must be a heading's.
    /// </summary>
    private static string? Problem(string root, string file, string target)
    {
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var path = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
        var anchor = hash < 0 ? "" : target[(hash + 1)..];
        var full = path.Length == 0 ? file
            : Path.GetFullPath(path.StartsWith('/') ? Path.Combine(root, path.TrimStart('/')) : Path.Combine(Path.GetDirectoryName(file)!, path));
        if (Path.GetRelativePath(root, full).StartsWith("..", StringComparison.Ordinal) || !(File.Exists(full) || Directory.Exists(full)))
        {
            return "no such file";
        }

        return anchor.Length > 0 && full.EndsWith(".md", StringComparison.Ordinal) && !Markdown.Anchors(File.ReadAllText(full)).Contains(anchor)
            ? "no heading with that anchor"
            : null;
    }

    internal static IEnumerable<string> UnknownTargets(IReadOnlySet<string> targets, string file, string markdown) =>
        Markdown.MakeCommands(markdown).SelectMany(c => c.Targets.Where(t => !targets.Contains(t)).Select(t => $"{file}:{c.Line} make {t}"));

    /// <summary>The Makefile's rule names: <c>a b: deps</c> outside recipes, not special targets (<c>.PHONY</c>) nor <c>:=</c>.</summary>
    internal static IReadOnlySet<string> MakefileTargets(string makefile) =>
        makefile.Split('\n').Select(line => MakeRule().Match(line)).Where(m => m.Success)
            .SelectMany(m => m.Groups["names"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(name => !name.StartsWith('.'))
            .ToHashSet(StringComparer.Ordinal);

    private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');

    [GeneratedRegex(@"^(?<names>[A-Za-z0-9_.%/-]+(?: +[A-Za-z0-9_.%/-]+)*) *::?(?!=)")]
    private static partial Regex MakeRule();

    [GeneratedRegex(@"""(?<flag>--[a-z][a-z-]*)""\s*=>")]
    private static partial Regex BenchFlag();

    [GeneratedRegex(@"(?<=^|\s)--[a-z][a-z0-9-]*")]
    private static partial Regex ArgsFlag();
}
