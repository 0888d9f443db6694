using NorthflankSimulator;
using NorthflankSimulator.Streaming;

namespace UnitTests.Simulator;

/// <summary>Per-service working directories of exec'd commands: created on demand, gone with the service or the simulator.</summary>
public sealed class ExecWorkspacesTests
{
    [Test]
    public async Task A_service_directory_is_created_under_the_root_and_removed_with_the_service()
    {
        using var workspaces = new ExecWorkspaces(new ExecOptions());
        var (directory, gone) = workspaces.Enter("project", "web");
        File.WriteAllText(Path.Combine(directory, "note.txt"), "x");

        Assert.That(directory, Is.EqualTo(Path.Combine(workspaces.Root, "project", "web")));
        Assert.That(gone.IsCancellationRequested, Is.False);

        workspaces.Remove("project", "web");

        Assert.That(gone.IsCancellationRequested, Is.True);
        await Eventually.True(() => !Directory.Exists(directory));
        Assert.That(workspaces.Enter("project", "web").ServiceGone.IsCancellationRequested, Is.False, "a new service of that id starts afresh");
    }

    [Test]
    public void Disposing_ends_every_session_and_deletes_the_root_it_created()
    {
        var workspaces = new ExecWorkspaces(new ExecOptions());
        var (_, gone) = workspaces.Enter("project", "web");

        workspaces.Dispose();

        Assert.That(gone.IsCancellationRequested, Is.True);
        Assert.That(Directory.Exists(workspaces.Root), Is.False);
    }

    [Test]
    public void A_configured_root_is_kept_and_only_emptied()
    {
        var root = Directory.CreateTempSubdirectory("simexec-root").FullName;
        try
        {
            var workspaces = new ExecWorkspaces(new ExecOptions { WorkspaceRoot = root });
            workspaces.Enter("project", "web");

            workspaces.Dispose();

            Assert.That(Directory.Exists(root), Is.True);
            Assert.That(Directory.GetFileSystemEntries(root), Is.Empty);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestCase("..", "web")]
    [TestCase("project", "../../etc")]
    public void An_id_that_would_leave_the_root_is_refused(string projectId, string serviceId)
    {
        using var workspaces = new ExecWorkspaces(new ExecOptions());

        Assert.Throws<ArgumentException>(() => workspaces.Enter(projectId, serviceId));
    }
}
