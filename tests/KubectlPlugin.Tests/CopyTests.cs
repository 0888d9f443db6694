using KubectlSandbox.Cli;
using KubectlSandbox.Copy;
using KubectlSandbox.Kube;

namespace KubectlPlugin.Tests;

/// <summary>cp both ways through the fake API server, whose exec runs the real tar here, byte for byte.</summary>
public class CopyTests
{
    private FakeApiServer server = null!;
    private DirectoryInfo directory = null!;
    private KubeConnection connection = null!;

    [SetUp]
    public async Task StartServer()
    {
        server = await FakeApiServer.StartAsync();
        directory = Directory.CreateTempSubdirectory("plugin-cp-");
        connection = KubeConnection.Open(new Target(server.WriteKubeconfig(directory.FullName), null, null));
    }

    [TearDown]
    public async Task StopServer()
    {
        connection.Dispose();
        await server.DisposeAsync();
        directory.Delete(recursive: true);
    }

    [Test]
    public async Task A_directory_goes_in_and_comes_back_out_byte_for_byte()
    {
        var local = Tree(Path.Combine(directory.FullName, "local"));
        var remote = Directory.CreateDirectory(Path.Combine(directory.FullName, "sandbox")).FullName;

        await CopyCommand.RunAsync(connection, Copy(local, $"box:{remote}/copied"), Stream.Null, CancellationToken.None);
        var back = Path.Combine(directory.FullName, "back");
        await CopyCommand.RunAsync(connection, Copy($"box:{remote}/copied", back), Stream.Null, CancellationToken.None);

        Assert.That(Contents(Path.Combine(remote, "copied")), Is.EqualTo(Contents(local)));
        Assert.That(Contents(back), Is.EqualTo(Contents(local)));
        Assert.That(Contents(local).Keys, Has.Member("nested/deeper/binary.bin"));
    }

    [Test]
    public async Task A_single_file_takes_the_destination_s_name()
    {
        var file = Path.Combine(directory.FullName, "report.csv");
        await File.WriteAllTextAsync(file, "a,b\n1,2\n");
        var remote = Directory.CreateDirectory(Path.Combine(directory.FullName, "sandbox")).FullName;

        await CopyCommand.RunAsync(connection, Copy(file, $"box:{remote}/renamed.csv"), Stream.Null, CancellationToken.None);
        await CopyCommand.RunAsync(connection, Copy($"box:{remote}/renamed.csv", Path.Combine(directory.FullName, "again.csv")), Stream.Null, CancellationToken.None);

        Assert.That(await File.ReadAllTextAsync(Path.Combine(directory.FullName, "again.csv")), Is.EqualTo("a,b\n1,2\n"));
    }

    [Test]
    public void A_missing_remote_path_is_tar_s_exit_code_as_an_error()
    {
        var stderr = new MemoryStream();

        Assert.That(async () => await CopyCommand.RunAsync(connection, Copy($"box:{directory.FullName}/nothing-here", Path.Combine(directory.FullName, "x")), stderr, CancellationToken.None),
            Throws.TypeOf<ApiError>().With.Message.StartsWith("tar in sandbox box exited with"));
        Assert.That(stderr.Length, Is.Positive, "tar's own complaint reaches stderr");
    }

    private static CopyVerb Copy(string source, string destination) =>
        (CopyVerb)CommandLine.Parse(["cp", source, destination]);

    private static string Tree(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "nested", "deeper"));
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        File.WriteAllText(Path.Combine(root, "top.txt"), "top\n");
        File.WriteAllText(Path.Combine(root, "nested", "mid.txt"), new string('m', 100_000));
        File.WriteAllBytes(Path.Combine(root, "nested", "deeper", "binary.bin"), Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray());
        return root;
    }

    /// <summary>Every file and directory below <paramref name="root"/> with its bytes (directories as empty).</summary>
    private static SortedDictionary<string, string> Contents(string root) =>
        new(Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).ToDictionary(
            p => Path.GetRelativePath(root, p),
            p => Directory.Exists(p) ? "<dir>" : Convert.ToBase64String(File.ReadAllBytes(p))), StringComparer.Ordinal);
}
