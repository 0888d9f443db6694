namespace TestInfra;

/// <summary>Settings for <see cref="LocalControlPlane.StartAsync"/>. The defaults suit a test run.</summary>
public sealed class LocalControlPlaneOptions
{
    /// <summary>
    /// Users with fixed groups that get a static token. kube-apiserver 1.20 reads its token file only at startup, so
    /// every named user must be declared here; fetch the token later with <see cref="LocalControlPlane.GetUserToken"/>.
    /// </summary>
    public IList<ControlPlaneUser> Users { get; } = [];

    /// <summary>
    /// How many anonymous-looking spare users (<c>spare-user-N</c>, no groups besides system:authenticated) to
    /// pre-declare. <see cref="LocalControlPlane.TakeSpareUser"/> hands each out once at runtime, so a test can get a
    /// fresh user identity, bind RBAC to its name, and act as it.
    /// </summary>
    public int SpareUserCount { get; set; } = 32;

    /// <summary>Run kube-controller-manager (namespace deletion, garbage collection, service account controllers).</summary>
    public bool StartControllerManager { get; set; } = true;

    /// <summary>Time allowed for all servers to become ready, per attempt.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Where the run's temporary directory is created; defaults to the system temp directory.</summary>
    public string? TempRoot { get; set; }

    /// <summary>How many log lines of a server to put into the exception when startup fails.</summary>
    public int LogLinesOnFailure { get; set; } = 40;

    /// <summary>Optional sink for progress messages (e.g. TestContext.Progress.WriteLine or Console.WriteLine).</summary>
    public Action<string>? Log { get; set; }

    /// <summary>
    /// Writes (create, update, patch, delete, deletecollection) of these resources go into kube-apiserver's audit log
    /// at Metadata level: who, verb, object, response code and timestamps, no bodies. Read it with
    /// <see cref="LocalControlPlane.ReadAuditLog"/>. Empty (the default): no audit log.
    /// </summary>
    public IList<AuditedResource> AuditedWrites { get; } = [];
}

/// <summary>Resources of one API group whose writes are audited.</summary>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="Resources">Resource names; a subresource is written <c>sandboxes/status</c>.</param>
public sealed record AuditedResource(string Group, IReadOnlyList<string> Resources)
{
    public AuditedResource(string group, params string[] resources)
        : this(group, (IReadOnlyList<string>)resources)
    {
    }
}

/// <summary>A user declared at startup in the static token file.</summary>
/// <param name="Name">User name as RBAC subjects see it (kind User).</param>
/// <param name="Groups">Groups the user is in; <c>system:masters</c> makes it cluster-admin.</param>
public sealed record ControlPlaneUser(string Name, IReadOnlyList<string> Groups)
{
    public ControlPlaneUser(string name, params string[] groups)
        : this(name, (IReadOnlyList<string>)groups)
    {
    }
}

/// <summary>A user identity with its bearer token. <see cref="ToString"/> leaves the token out.</summary>
public sealed class UserCredential(string userName, IReadOnlyList<string> groups, string token)
{
    public string UserName { get; } = userName;

    public IReadOnlyList<string> Groups { get; } = groups;

    public string Token { get; } = token;

    public override string ToString() => $"{UserName} (groups: {string.Join(", ", Groups)})";
}
