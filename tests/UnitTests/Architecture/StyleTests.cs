using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace UnitTests.Architecture;

/// <summary>
/// One style across the repository, so no one has to remember it: private fields are camelCase with no prefix (like the
/// primary-constructor parameters most classes capture), and tests are named by a sentence with underscores.
/// </summary>
public partial class StyleTests
{
    [Test]
    public void Private_fields_are_camel_case_without_a_prefix()
    {
        var wrong = CSharpFiles().SelectMany(file => PrefixedFields(Relative(file), File.ReadAllText(file))).ToList();

        Assert.That(wrong, Is.Empty, $"private fields with a prefix:\n  {string.Join("\n  ", wrong)}");
    }

    [Test]
    public void Tests_are_named_by_a_sentence()
    {
        var wrong = CSharpFiles().Where(file => file.Contains($"{Path.DirectorySeparatorChar}tests{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => NotSentences(Relative(file), File.ReadAllText(file))).ToList();

        Assert.That(wrong, Is.Empty, $"test names that are not sentences (A_thing_does_this):\n  {string.Join("\n  ", wrong)}");
    }

    [Test]
    public void Both_rules_report_what_breaks_them_with_its_file_and_line()
    {
        const string source = "class C\n{\n    private int _count;\n    private int count;\n    [Test]\n    public void DoesThings() { }\n    [Test]\n    public void Does_things() { }\n}\n";

        Assert.Multiple(() =>
        {
            Assert.That(PrefixedFields("C.cs", source), Is.EqualTo(new[] { "C.cs:3 _count" }));
            Assert.That(NotSentences("C.cs", source), Is.EqualTo(new[] { "C.cs:6 DoesThings" }));
        });
    }

    internal static IEnumerable<string> PrefixedFields(string file, string source) =>
        Parse(source).OfType<FieldDeclarationSyntax>()
            .Where(f => !f.Modifiers.Any(m => m.Text is "public" or "internal" or "protected" or "const"))
            .SelectMany(f => f.Declaration.Variables)
            .Where(v => v.Identifier.Text.StartsWith('_'))
            .Select(v => $"{file}:{Line(v)} {v.Identifier.Text}");

    internal static IEnumerable<string> NotSentences(string file, string source) =>
        Parse(source).OfType<MethodDeclarationSyntax>()
            .Where(m => m.AttributeLists.SelectMany(a => a.Attributes).Any(a => a.Name.ToString() is "Test" or "TestCase" or "TestCaseSource"))
            .Where(m => !Sentence().IsMatch(m.Identifier.Text))
            .Select(m => $"{file}:{m.Identifier.GetLocation().GetLineSpan().StartLinePosition.Line + 1} {m.Identifier.Text}");

    /// <summary>Words joined by underscores, the first capitalised; a word is lower case, capitalised (a name) or an acronym, never camel case.</summary>
    [GeneratedRegex("^([A-Z][a-z0-9]*|[A-Z0-9]+)(_([A-Z]?[a-z0-9]+|[A-Z0-9]+))*$")]
    private static partial Regex Sentence();

    private static IEnumerable<SyntaxNode> Parse(string source) => CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes();

    private static int Line(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    private static IEnumerable<string> CSharpFiles()
    {
        var root = TestInfra.RepositoryRoot.Path;
        return new[] { "operator", "tests" }.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "StrykerOutput"))
            .Order(StringComparer.Ordinal);
    }

    private static string Relative(string file) => Path.GetRelativePath(TestInfra.RepositoryRoot.Path, file);
}
