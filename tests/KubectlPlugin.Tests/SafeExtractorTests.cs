using System.Formats.Tar;
using System.Text;
using KubectlSandbox.Copy;

namespace KubectlPlugin.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class SafeExtractorTests
{
    private string root = null!;
    private string destination = null!;

    [SetUp]
    public void CreateDirectories()
    {
        root = Directory.CreateTempSubdirectory("plugin-tar-").FullName;
        destination = Path.Combine(root, "dest");
    }

    [TearDown]
    public void DeleteDirectories() => Directory.Delete(root, recursive: true);

    [Test]
    public async Task The_copied_directory_becomes_the_destination_with_contents_and_modes()
    {
        var archive = Archive(
            new PaxTarEntry(TarEntryType.Directory, "out"),
            File("out/a.txt", "alpha", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute),
            new PaxTarEntry(TarEntryType.Directory, "out/sub"),
            File("./out/sub/b.txt", "beta"),
            new PaxTarEntry(TarEntryType.SymbolicLink, "out/link") { LinkName = "sub/b.txt" });

        await SafeExtractor.ExtractAsync(archive, destination, "out", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(System.IO.File.ReadAllText(Path.Combine(destination, "a.txt")), Is.EqualTo("alpha"));
            Assert.That(System.IO.File.ReadAllText(Path.Combine(destination, "sub", "b.txt")), Is.EqualTo("beta"));
            Assert.That(System.IO.File.ReadAllText(Path.Combine(destination, "link")), Is.EqualTo("beta"));
            Assert.That(System.IO.File.GetUnixFileMode(Path.Combine(destination, "a.txt")) & UnixFileMode.UserExecute, Is.EqualTo(UnixFileMode.UserExecute));
        });
    }

    [TestCase("out/../../escaped.txt", "'..'")]
    [TestCase("/etc/escaped.txt", "absolute")]
    [TestCase("other/escaped.txt", "outside the copied path")]
    [TestCase("out/sub/../../../escaped.txt", "'..'")]
    public void An_entry_naming_a_place_outside_is_refused_and_nothing_of_it_is_written(string name, string why)
    {
        var archive = Archive(new PaxTarEntry(TarEntryType.Directory, "out"), File(name, "evil"));

        Assert.That(async () => await SafeExtractor.ExtractAsync(archive, destination, "out", CancellationToken.None),
            Throws.TypeOf<UnsafeArchiveException>().With.Message.Contains(why));
        Assert.That(Directory.EnumerateFiles(root, "escaped.txt", SearchOption.AllDirectories), Is.Empty);
    }

    [TestCase("../../outside")]
    [TestCase("/etc/passwd")]
    public void A_link_pointing_outside_the_destination_is_refused(string target)
    {
        var archive = Archive(new PaxTarEntry(TarEntryType.Directory, "out"), new PaxTarEntry(TarEntryType.SymbolicLink, "out/link") { LinkName = target });

        Assert.That(async () => await SafeExtractor.ExtractAsync(archive, destination, "out", CancellationToken.None),
            Throws.TypeOf<UnsafeArchiveException>().With.Message.Contains("outside the destination"));
        Assert.That(new FileInfo(Path.Combine(destination, "link")).Exists, Is.False);
    }

    [Test]
    public void A_file_cannot_be_written_through_a_link_that_points_elsewhere()
    {
        // The link is created beside the destination by a test, as if left by anything: the extractor never follows it.
        var outside = Directory.CreateDirectory(Path.Combine(root, "outside")).FullName;
        Directory.CreateDirectory(destination);
        Directory.CreateSymbolicLink(Path.Combine(destination, "sub"), outside);
        var archive = Archive(new PaxTarEntry(TarEntryType.Directory, "out"), File("out/sub/escaped.txt", "evil"));

        Assert.That(async () => await SafeExtractor.ExtractAsync(archive, destination, "out", CancellationToken.None),
            Throws.TypeOf<UnsafeArchiveException>().With.Message.Contains("symbolic link"));
        Assert.That(Directory.EnumerateFiles(outside), Is.Empty);
    }

    [Test]
    public async Task A_file_replaces_a_link_at_its_own_name_instead_of_writing_where_it_points()
    {
        var victim = Path.Combine(root, "victim.txt");
        System.IO.File.WriteAllText(victim, "untouched");
        var archive = Archive(
            new PaxTarEntry(TarEntryType.Directory, "out"),
            new PaxTarEntry(TarEntryType.SymbolicLink, "out/x") { LinkName = "y" },
            File("out/x", "new content"));

        await SafeExtractor.ExtractAsync(archive, destination, "out", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(System.IO.File.ReadAllText(victim), Is.EqualTo("untouched"));
            Assert.That(new FileInfo(Path.Combine(destination, "x")).LinkTarget, Is.Null);
            Assert.That(System.IO.File.ReadAllText(Path.Combine(destination, "x")), Is.EqualTo("new content"));
        });
    }

    [Test]
    public async Task A_destination_that_is_the_user_s_own_link_to_a_directory_is_followed()
    {
        var real = Directory.CreateDirectory(Path.Combine(root, "real")).FullName;
        Directory.CreateSymbolicLink(destination, real);

        await SafeExtractor.ExtractAsync(Archive(new PaxTarEntry(TarEntryType.Directory, "out"), File("out/a.txt", "alpha")), destination, "out", CancellationToken.None);

        Assert.That(System.IO.File.ReadAllText(Path.Combine(real, "a.txt")), Is.EqualTo("alpha"));
    }

    [Test]
    public async Task A_single_file_becomes_the_destination_file()
    {
        await SafeExtractor.ExtractAsync(Archive(File("report.csv", "1,2")), destination, "report.csv", CancellationToken.None);

        Assert.That(System.IO.File.ReadAllText(destination), Is.EqualTo("1,2"));
    }

    private static PaxTarEntry File(string name, string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)), Mode = mode };

    private static MemoryStream Archive(params TarEntry[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        stream.Position = 0;
        return stream;
    }
}
