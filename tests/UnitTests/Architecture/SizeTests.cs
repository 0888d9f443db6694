using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace UnitTests.Architecture;

/// <summary>
/// Every C# file under operator/ has at most <see cref="MaxFileLines"/> lines and every method (constructor, operator,
/// accessor, local function) at most <see cref="MaxMethodLines"/>, from its signature to its closing brace, attributes
/// included and doc comments not. A file or method that grows past that is split where it has two concerns.
/// </summary>
public class SizeTests
{
    public const int MaxFileLines = 300;
    public const int MaxMethodLines = 60;

    [Test]
    public void Every_source_file_of_the_operator_has_at_most_300_lines()
    {
        var tooLong = Sources()
            .Select(file => (file, lines: File.ReadAllLines(file).Length))
            .Where(f => f.lines > MaxFileLines)
            .Select(f => $"{Relative(f.file)}:1 has {f.lines} lines")
            .ToList();

        Assert.That(tooLong, Is.Empty, $"files over {MaxFileLines} lines:\n  {string.Join("\n  ", tooLong)}");
    }

    [Test]
    public void Every_method_of_the_operator_has_at_most_60_lines()
    {
        var tooLong = Sources().SelectMany(file => LongMethods(Relative(file), File.ReadAllText(file), MaxMethodLines)).ToList();

        Assert.That(tooLong, Is.Empty, $"methods over {MaxMethodLines} lines:\n  {string.Join("\n  ", tooLong)}");
    }

    [Test]
    public void A_method_one_line_over_the_limit_is_reported_with_its_file_and_line()
    {
        string Method(string name, int lines) =>
            $"    void {name}()\n    {{\n{string.Concat(Enumerable.Repeat("        _ = 1;\n", lines - 3))}    }}\n";
        var source = $"class C\n{{\n{Method("Fits", MaxMethodLines)}    /// <summary>not counted</summary>\n    [System.Obsolete]\n{Method("TooLong", MaxMethodLines)}}}\n";

        Assert.That(LongMethods("C.cs", source, MaxMethodLines), Is.EqualTo(new[] { $"C.cs:{3 + MaxMethodLines + 1} TooLong has {MaxMethodLines + 1} lines" }));
    }

    /// <summary>"file:line Name has N lines" for each method of <paramref name="source"/> longer than <paramref name="max"/> lines.</summary>
    internal static IEnumerable<string> LongMethods(string file, string source, int max) =>
        CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes()
            .Select(node => (node, name: NameOf(node)))
            .Where(m => m.name is not null)
            .Select(m => (m.name, span: m.node.GetLocation().GetLineSpan()))
            .Select(m => (m.name, line: m.span.StartLinePosition.Line + 1, lines: m.span.EndLinePosition.Line - m.span.StartLinePosition.Line + 1))
            .Where(m => m.lines > max)
            .Select(m => $"{file}:{m.line} {m.name} has {m.lines} lines");

    private static string? NameOf(SyntaxNode node) =>
        node switch
        {
            MethodDeclarationSyntax method => method.Identifier.Text,
            ConstructorDeclarationSyntax constructor => $"{constructor.Identifier.Text} (constructor)",
            DestructorDeclarationSyntax destructor => $"~{destructor.Identifier.Text}",
            OperatorDeclarationSyntax op => $"operator {op.OperatorToken.Text}",
            ConversionOperatorDeclarationSyntax conversion => $"operator {conversion.Type}",
            LocalFunctionStatementSyntax local => $"{local.Identifier.Text} (local function)",
            AccessorDeclarationSyntax accessor => $"{accessor.Keyword.Text} accessor",
            _ => null,
        };

    private static IEnumerable<string> Sources()
    {
        var root = Path.Combine(TestInfra.RepositoryRoot.Path, "operator");
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(file => !Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "StrykerOutput"))
            .Order(StringComparer.Ordinal);
    }

    private static string Relative(string file) => Path.GetRelativePath(TestInfra.RepositoryRoot.Path, file);
}
