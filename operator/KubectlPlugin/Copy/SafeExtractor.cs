using System.Formats.Tar;

namespace KubectlSandbox.Copy;

/// <summary>
/// Extracts a tar stream that came out of a Sandbox, which the user need not trust: the copied file or directory
/// (<paramref name="root"/>, the archive's first path segment) becomes <paramref name="destination"/>, and an entry
/// that would land anywhere else is refused before anything of it is written. Refused: absolute names, <c>..</c>
/// segments, names outside <paramref name="root"/>, links whose target lies outside the destination, and writing
/// through a symbolic link already on the path (an earlier entry's link cannot redirect a later file). Devices and
/// FIFOs are skipped; set-id bits dropped.
/// </summary>
internal sealed class SafeExtractor(string destination, string root)
{
    private const UnixFileMode Permissions = (UnixFileMode)0x1FF;

    private readonly string top = Path.GetFullPath(destination);

    public static async Task ExtractAsync(Stream archive, string destination, string root, CancellationToken cancellationToken)
    {
        var extractor = new SafeExtractor(destination, root);
        await using var reader = new TarReader(archive, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            await extractor.WriteAsync(entry, cancellationToken);
        }
    }

    /// <summary>Where an archive name lands under the destination; throws when it would land outside.</summary>
    public string Target(string name)
    {
        if (name.StartsWith('/') || Path.IsPathRooted(name))
        {
            throw new UnsafeArchiveException(name, "an absolute path");
        }

        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Contains(".."))
        {
            throw new UnsafeArchiveException(name, "a '..' segment");
        }

        if (segments.Count == 0 || segments[0] != root)
        {
            throw new UnsafeArchiveException(name, $"outside the copied path '{root}'");
        }

        return Within(Path.Combine([top, .. segments.Skip(1)]), name);
    }

    private async Task WriteAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        if (entry.EntryType is TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes)
        {
            return;
        }

        var target = Target(entry.Name);
        RefuseLinksOnPath(target, entry.Name);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                Directory.CreateDirectory(target);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                await WriteFileAsync(entry, target, cancellationToken);
                break;
            case TarEntryType.SymbolicLink:
                var pointsAt = Path.IsPathRooted(entry.LinkName) ? entry.LinkName : Path.Combine(Path.GetDirectoryName(target)!, entry.LinkName);
                Within(Path.GetFullPath(pointsAt), entry.Name);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Delete(target);
                File.CreateSymbolicLink(target, entry.LinkName);
                break;
            case TarEntryType.HardLink:
                // A hard link names another entry of the archive: a copy of what that entry extracted to.
                var original = Target(entry.LinkName);
                RefuseLinksOnPath(original, entry.LinkName);
                File.Copy(original, target, overwrite: true);
                break;
            default:
                await Console.Error.WriteLineAsync($"skipping {entry.Name}: a {entry.EntryType} is not copied");
                break;
        }
    }

    private static async Task WriteFileAsync(TarEntry entry, string target, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (new FileInfo(target).LinkTarget is not null)
        {
            // Opening a link would write wherever it points: the file replaces the link instead.
            File.Delete(target);
        }

        await using (var file = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (entry.DataStream is { } data)
            {
                await data.CopyToAsync(file, cancellationToken);
            }
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, entry.Mode & Permissions);
        }

        File.SetLastWriteTimeUtc(target, entry.ModificationTime.UtcDateTime);
    }

    /// <summary>The full path, if it is the destination or below it.</summary>
    private string Within(string path, string name)
    {
        var full = Path.GetFullPath(path);
        return full == top || full.StartsWith(top.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new UnsafeArchiveException(name, "a path outside the destination");
    }

    /// <summary>
    /// No existing symbolic link between the destination and <paramref name="target"/>, both excluded: the destination
    /// is the user's own choice (a link to a directory there is followed), what is below it came from the archive.
    /// </summary>
    private void RefuseLinksOnPath(string target, string name)
    {
        for (var directory = Path.GetDirectoryName(target); directory is not null && directory.Length > top.Length; directory = Path.GetDirectoryName(directory))
        {
            if (new DirectoryInfo(directory) is { Exists: true, LinkTarget: not null } || new FileInfo(directory) is { Exists: true, LinkTarget: not null })
            {
                throw new UnsafeArchiveException(name, $"a path through the symbolic link {directory}");
            }
        }
    }
}

/// <summary>An archive entry the extractor refuses; nothing of it was written.</summary>
internal sealed class UnsafeArchiveException(string name, string why) : Exception($"refusing the archive entry '{name}': {why}");
