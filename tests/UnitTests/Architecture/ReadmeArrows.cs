namespace UnitTests.Architecture;

/// <summary>
/// The table of operator/README.md's "Folders and arrows" section: folder → what it may use, as
/// <see cref="ArchitectureTests.Describe"/> writes it. Folders are written as paths there (Controllers/Sandboxes) and as
/// namespaces here (Controllers.Sandboxes).
/// </summary>
internal static class ReadmeArrows
{
    public const string Heading = "## Folders and arrows";

    public static Dictionary<string, string> Read(string readmePath)
    {
        var lines = File.ReadAllLines(readmePath);
        var start = Array.IndexOf(lines, Heading);
        if (start < 0)
        {
            throw new InvalidOperationException($"{readmePath} has no '{Heading}' section");
        }

        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells is not ["", var folder, var mayUse, ""] || folder.StartsWith("---", StringComparison.Ordinal) || folder == "folder")
            {
                continue;
            }

            rows[Name(folder)] = ArchitectureTests.Describe(Names(mayUse));
        }

        return rows;
    }

    private static IEnumerable<string> Names(string cell) =>
        cell.Trim() switch
        {
            "nothing" => [],
            "everything" => [Arrows.Everything],
            var list => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Name),
        };

    private static string Name(string cell) => cell.Replace("`", "", StringComparison.Ordinal).Replace('/', '.').Trim();
}
