using KubectlSandbox.Cli;
using KubectlSandbox.Copy;

namespace KubectlPlugin.Tests;

public class CopyPathTests
{
    [TestCase("box:/work/a", "/work/a", "box", null)]
    [TestCase("team-b/box:/work/a", "/work/a", "box", "team-b")]
    [TestCase("box:relative/x", "relative/x", "box", null)]
    [TestCase("./a:b", "./a:b", null, null)]
    [TestCase("/tmp/a:b", "/tmp/a:b", null, null)]
    [TestCase("plain", "plain", null, null)]
    public void A_path_is_local_or_names_its_sandbox_and_namespace(string text, string path, string? sandbox, string? @namespace) =>
        Assert.That(CopyPath.Parse(text), Is.EqualTo(new CopyPath(path, sandbox, @namespace)));

    [TestCase(":/x")]
    [TestCase("box:")]
    [TestCase("/box:/x")]
    [TestCase("ns/:/x")]
    public void A_remote_path_without_a_name_or_a_path_is_refused(string text)
    {
        if (text.StartsWith('/'))
        {
            Assert.That(CopyPath.Parse(text).IsRemote, Is.False, "a leading slash makes it local");
            return;
        }

        Assert.That(() => CopyPath.Parse(text), Throws.TypeOf<UsageException>());
    }

    [TestCase("/work/dir", "/work", "dir")]
    [TestCase("/work/dir/", "/work", "dir")]
    [TestCase("/file", "/", "file")]
    [TestCase("file", ".", "file")]
    public void A_remote_path_splits_into_tar_s_directory_and_name(string path, string directory, string name) =>
        Assert.That(CopyCommand.Split(path), Is.EqualTo((directory, name)));

    [TestCase("/")]
    [TestCase("/work/..")]
    [TestCase("/work/.")]
    public void A_remote_path_naming_no_entry_is_refused(string path) =>
        Assert.That(() => CopyCommand.Split(path), Throws.TypeOf<UsageException>());

    [TestCase("30s", 30)]
    [TestCase("5m", 300)]
    [TestCase("1h30m", 5400)]
    [TestCase("1.5s", 1.5)]
    [TestCase("250ms", 0.25)]
    public void Durations_read_as_go_spells_them(string text, double seconds) =>
        Assert.That(Duration.Parse("since", text), Is.EqualTo(TimeSpan.FromSeconds(seconds)));
}
