using System.Formats.Tar;

namespace KubectlSandbox.Copy;

/// <summary>
/// A local file or directory as a tar stream for <c>tar -x</c> in a Sandbox, every name below
/// <paramref name="rootName"/> (the name it gets there). Symbolic links are archived as links, not followed.
/// </summary>
internal static class TarSource
{
    public static async Task WriteAsync(string localPath, string rootName, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        var full = Path.GetFullPath(localPath);
        await writer.WriteEntryAsync(full, rootName, cancellationToken);
        if (!Directory.Exists(full) || new DirectoryInfo(full).LinkTarget is not null)
        {
            return;
        }

        var everything = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var path in Directory.EnumerateFileSystemEntries(full, "*", everything))
        {
            var relative = Path.GetRelativePath(full, path).Replace(Path.DirectorySeparatorChar, '/');
            await writer.WriteEntryAsync(path, $"{rootName}/{relative}", cancellationToken);
        }
    }
}
