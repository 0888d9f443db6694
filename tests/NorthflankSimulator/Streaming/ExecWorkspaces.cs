namespace NorthflankSimulator.Streaming;

/// <summary>
/// The per-service working directories of exec'd commands, <c>&lt;root&gt;/&lt;project&gt;/&lt;service&gt;</c>, created on
/// the first exec, and the sessions running in them. When a service goes (SimulatorStore.ServiceRemoved) its sessions
/// end (their process trees are killed) and its directory is deleted; on shutdown everything goes, the root too when
/// the simulator created it. Files a command writes therefore survive between execs, as in a container, but not the
/// service.
/// </summary>
internal sealed class ExecWorkspaces : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, CancellationTokenSource> services = new(StringComparer.Ordinal);
    private readonly string root;
    private readonly bool ownsRoot;
    private bool disposed;

    public ExecWorkspaces(ExecOptions options)
    {
        ownsRoot = options.WorkspaceRoot is null;
        root = Path.GetFullPath(options.WorkspaceRoot ?? Path.Combine(Path.GetTempPath(), $"northflank-simulator-{Guid.NewGuid():N}"));
    }

    public string Root => root;

    /// <summary>The service's directory (created now if needed) and a token cancelled when the service goes.</summary>
    public (string Directory, CancellationToken ServiceGone) Enter(string projectId, string serviceId)
    {
        var directory = DirectoryOf(projectId, serviceId);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!services.TryGetValue(Key(projectId, serviceId), out var gone))
            {
                gone = new CancellationTokenSource();
                services[Key(projectId, serviceId)] = gone;
            }

            Directory.CreateDirectory(directory);
            return (directory, gone.Token);
        }
    }

    /// <summary>Ends the service's sessions and deletes its directory. Quick: called under the store's lock.</summary>
    public void Remove(string projectId, string serviceId)
    {
        CancellationTokenSource? gone;
        lock (gate)
        {
            services.Remove(Key(projectId, serviceId), out gone);
        }

        gone?.Cancel();
        gone?.Dispose();
        var directory = DirectoryOf(projectId, serviceId);
        if (Directory.Exists(directory))
        {
            // In the background: a killed process may still be writing there for a moment.
            _ = Task.Run(() => DeleteWithRetries(directory));
        }
    }

    public void Dispose()
    {
        List<CancellationTokenSource> all;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            all = [.. services.Values];
            services.Clear();
        }

        foreach (var gone in all)
        {
            gone.Cancel();
            gone.Dispose();
        }

        if (ownsRoot)
        {
            DeleteWithRetries(root);
        }
        else if (Directory.Exists(root))
        {
            foreach (var project in Directory.GetDirectories(root))
            {
                DeleteWithRetries(project);
            }
        }
    }

    private string DirectoryOf(string projectId, string serviceId)
    {
        // Ids are slugs, but the path must never leave the root whatever a caller passes.
        var directory = Path.GetFullPath(Path.Combine(root, projectId, serviceId));
        return directory.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
               && !projectId.Contains(Path.DirectorySeparatorChar) && !serviceId.Contains(Path.DirectorySeparatorChar)
               && projectId is not ("." or "..") && serviceId is not ("." or "..")
            ? directory
            : throw new ArgumentException($"Not a valid project/service id for a workspace: {projectId}/{serviceId}");
    }

    private static string Key(string projectId, string serviceId) => $"{projectId}/{serviceId}";

    private static void DeleteWithRetries(string directory)
    {
        for (var attempt = 0; attempt < 5 && Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
