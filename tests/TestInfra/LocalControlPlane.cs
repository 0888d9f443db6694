using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace TestInfra;

/// <summary>
/// A real Kubernetes control plane on loopback: etcd, kube-apiserver (RBAC, static tokens, service account tokens)
/// and kube-controller-manager, started from the binaries of <c>make tools</c>. No kubelet, so pods never run;
/// everything an operator does against the API (CRDs, status, RBAC, namespaces, garbage collection) behaves as in a
/// real cluster. Every server is tethered to this process (see tests/infra/tether.sh) and all state lives in one
/// temporary directory that <see cref="DisposeAsync"/> removes.
/// </summary>
public sealed partial class LocalControlPlane : IAsyncDisposable
{
    /// <summary>Issuer and audience of service account tokens (the in-cluster default).</summary>
    public const string ServiceAccountIssuer = "https://kubernetes.default.svc";

    private const string AdminUserName = "nso-admin";
    private const string ControllerManagerUserName = "nso-kube-controller-manager";
    private const string TempDirPrefix = "nso-control-plane-";
    private const int MaxStartAttempts = 3;

    // Servers of every control plane still running, for the process-exit handlers below.
    private static readonly ConcurrentDictionary<LocalControlPlane, byte> Running = new();

    private readonly LocalControlPlaneOptions options;
    private readonly List<TetheredProcess> processes = [];
    private readonly Dictionary<string, UserCredential> declaredUsers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<UserCredential> spareUsers = new();
    private readonly int etcdPort;
    private readonly int etcdPeerPort;
    private readonly string controllerManagerToken;
    private readonly string etcdDataDir;
    private int disposed;

    // Kept referenced for the life of the process: disposing a registration removes its handler.
    private static readonly PosixSignalRegistration[] TerminationSignalHandlers;

    static LocalControlPlane()
    {
        // An exit without teardown (Environment.Exit, Ctrl+C, SIGTERM/SIGHUP/SIGQUIT from a CI timeout or a closed
        // terminal) kills the servers synchronously. .NET raises ProcessExit only on a normal exit, not on SIGTERM
        // (checked on .NET 10), hence the explicit signal handlers; they do not cancel the signal, so the process
        // still terminates as before. SIGKILL runs no code at all: tether.sh covers that case.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllRunning();
        Console.CancelKeyPress += (_, _) => KillAllRunning();
        TerminationSignalHandlers =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillAllRunning()),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => KillAllRunning()),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, _ => KillAllRunning()),
        ];
    }

    private LocalControlPlane(LocalControlPlaneOptions options)
    {
        this.options = options;
        var tempRoot = options.TempRoot ?? Path.GetTempPath();
        RemoveDirectoriesOfDeadRuns(tempRoot);
        RootDirectory = Path.Combine(tempRoot, TempDirPrefix + RandomHex(6));
        Directory.CreateDirectory(RootDirectory);
        File.WriteAllText(OwnerPidFile(RootDirectory), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

        // etcd data on tmpfs when there is one: fsync on disk dominates etcd latency, and this data is thrown away.
        etcdDataDir = Directory.Exists("/dev/shm")
            ? Path.Combine("/dev/shm", Path.GetFileName(RootDirectory) + "-etcd")
            : Path.Combine(RootDirectory, "etcd");
        File.WriteAllText(EtcdDataDirFile(RootDirectory), etcdDataDir);

        etcdPort = FreePorts.Next();
        etcdPeerPort = FreePorts.Next();
        Server = new Uri($"https://127.0.0.1:{FreePorts.Next()}");

        AdminToken = RandomHex(32);
        controllerManagerToken = RandomHex(32);
        foreach (var user in options.Users)
        {
            declaredUsers.Add(user.Name, new UserCredential(user.Name, user.Groups, RandomHex(32)));
        }

        for (var i = 0; i < options.SpareUserCount; i++)
        {
            spareUsers.Enqueue(new UserCredential($"spare-user-{i}", [], RandomHex(32)));
        }

        AdminKubeconfigPath = Path.Combine(RootDirectory, "admin.kubeconfig");
        // Creating a client does not connect, so it can exist before the server does (readiness checks use it).
        AdminClient = CreateClient(AdminToken);
    }

    /// <summary>https://127.0.0.1:port of kube-apiserver.</summary>
    public Uri Server { get; }

    /// <summary>Bearer token of a cluster-admin user (group system:masters). Never log it.</summary>
    public string AdminToken { get; }

    /// <summary>Kubeconfig with <see cref="AdminToken"/>, for kubectl, helm or an operator process.</summary>
    public string AdminKubeconfigPath { get; }

    /// <summary>Temporary directory with data, logs and kubeconfigs of this control plane.</summary>
    public string RootDirectory { get; }

    /// <summary>Wall-clock time StartAsync took until everything was usable.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Log file of a server: "etcd", "kube-apiserver" or "kube-controller-manager".</summary>
    public string LogPath(string server) => Path.Combine(RootDirectory, "logs", server + ".log");

    /// <summary>
    /// Starts etcd, kube-apiserver and (unless disabled) kube-controller-manager and waits until the API is ready and
    /// the <c>default</c> namespace has its <c>default</c> service account (which proves the controllers run).
    /// </summary>
    public static async Task<LocalControlPlane> StartAsync(LocalControlPlaneOptions? options = null, CancellationToken ct = default)
    {
        options ??= new LocalControlPlaneOptions();
        var stopwatch = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var controlPlane = new LocalControlPlane(options);
            try
            {
                await controlPlane.StartServersAsync(ct);
                controlPlane.StartupTime = stopwatch.Elapsed;
                options.Log?.Invoke(
                    $"Local control plane ready at {controlPlane.Server} in {stopwatch.Elapsed.TotalSeconds:F1} s " +
                    $"(state in {controlPlane.RootDirectory})");
                return controlPlane;
            }
            catch (LocalControlPlaneException ex) when (attempt < MaxStartAttempts && ex.Message.Contains("address already in use", StringComparison.Ordinal))
            {
                // Another process took one of the free ports between our probe and the server's bind.
                options.Log?.Invoke($"Port clash while starting the control plane (attempt {attempt}); retrying with new ports.");
                await controlPlane.DisposeAsync();
            }
            catch
            {
                // The exception names a log file: keep the logs (not data or tokens) for whoever reads it.
                await controlPlane.StopAsync(keepLogs: true);
                throw;
            }
        }
    }

    /// <summary>A client acting as cluster-admin; shared, do not dispose.</summary>
    public Kubernetes AdminClient { get; }

    /// <summary>A new cluster-admin client; the caller disposes it.</summary>
    public Kubernetes CreateAdminClient() => CreateClient(AdminToken);

    /// <summary>A new client authenticating with <paramref name="token"/>; the caller disposes it.</summary>
    public Kubernetes CreateClient(string token) =>
        new(new KubernetesClientConfiguration
        {
            Host = Server.ToString(),
            AccessToken = token,
            // Self-signed serving certificate of a loopback-only, per-run server; see Kubeconfig.Write.
            SkipTlsVerify = true,
        });

    /// <summary>
    /// Writes a kubeconfig that authenticates with <paramref name="token"/> and returns its path
    /// (by default a new file in <see cref="RootDirectory"/>, removed on dispose).
    /// </summary>
    public string WriteKubeconfig(string token, string? path = null)
    {
        path ??= Path.Combine(RootDirectory, "kubeconfigs", $"{RandomHex(8)}.kubeconfig");
        Kubeconfig.Write(path, Server, "user", token);
        return path;
    }

    /// <summary>Credential of a user declared in <see cref="LocalControlPlaneOptions.Users"/>.</summary>
    public UserCredential GetUser(string userName) =>
        declaredUsers.TryGetValue(userName, out var user)
            ? user
            : throw new ArgumentException(
                $"User '{userName}' was not declared in LocalControlPlaneOptions.Users; kube-apiserver reads static tokens only at startup.",
                nameof(userName));

    /// <summary>Token of a user declared in <see cref="LocalControlPlaneOptions.Users"/>.</summary>
    public string GetUserToken(string userName) => GetUser(userName).Token;

    /// <summary>
    /// Hands out a pre-declared spare user (<c>spare-user-N</c>, only in group system:authenticated) that nobody else
    /// gets in this run. Bind RBAC to <see cref="UserCredential.UserName"/> to give it rights.
    /// </summary>
    public UserCredential TakeSpareUser() =>
        spareUsers.TryDequeue(out var user)
            ? user
            : throw new InvalidOperationException(
                $"All {options.SpareUserCount} spare users are taken; raise LocalControlPlaneOptions.SpareUserCount.");

    /// <summary>
    /// A token for ServiceAccount <paramref name="name"/> in <paramref name="namespace"/> via the TokenRequest API,
    /// creating the ServiceAccount if it does not exist. The token has exactly the RBAC rights bound to
    /// <c>system:serviceaccount:{namespace}:{name}</c>.
    /// </summary>
    public async Task<string> CreateServiceAccountTokenAsync(string @namespace, string name, TimeSpan? lifetime = null, CancellationToken ct = default)
    {
        try
        {
            await AdminClient.CoreV1.CreateNamespacedServiceAccountAsync(
                new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = name } }, @namespace, cancellationToken: ct);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Exists already: fine, a token for it is what is asked for.
        }

        var request = new Authenticationv1TokenRequest
        {
            Spec = new V1TokenRequestSpec
            {
                Audiences = [ServiceAccountIssuer],
                ExpirationSeconds = (long)(lifetime ?? TimeSpan.FromHours(1)).TotalSeconds,
            },
        };
        var response = await AdminClient.CoreV1.CreateNamespacedServiceAccountTokenAsync(request, name, @namespace, cancellationToken: ct);
        return response.Status.Token;
    }

    /// <summary>Creates a namespace named <c>{prefix}-{random}</c> (made DNS-1123 safe) and returns its name.</summary>
    public async Task<string> CreateNamespaceAsync(string prefix, CancellationToken ct = default)
    {
        var name = NamespaceNames.Create(prefix);
        await AdminClient.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken: ct);
        return name;
    }

    public ValueTask DisposeAsync() => new(StopAsync(keepLogs: false));

    private async Task StopAsync(bool keepLogs)
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        AdminClient.Dispose();
        frontProxyCa?.Dispose();
        // Controllers first, then the apiserver, then its storage, so nothing logs errors about a vanished peer.
        for (var i = processes.Count - 1; i >= 0; i--)
        {
            await processes[i].StopAsync(TimeSpan.FromSeconds(10));
        }

        Running.TryRemove(this, out _);
        if (keepLogs)
        {
            TryDeleteDirectory(etcdDataDir);
            foreach (var directory in Directory.EnumerateDirectories(RootDirectory).Where(d => Path.GetFileName(d) != "logs"))
            {
                TryDeleteDirectory(directory);
            }

            File.Delete(AdminKubeconfigPath);
        }
        else
        {
            DeleteRunDirectories(RootDirectory);
        }
    }

    private static void KillAllRunning()
    {
        foreach (var controlPlane in Running.Keys)
        {
            foreach (var process in controlPlane.processes)
            {
                process.KillNow();
            }

            DeleteRunDirectories(controlPlane.RootDirectory);
        }
    }

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private static string OwnerPidFile(string directory) => Path.Combine(directory, "owner.pid");

    /// <summary>A SIGKILLed run cannot delete its directory; the next run does it for any whose owner is gone.</summary>
    private static void RemoveDirectoriesOfDeadRuns(string tempRoot)
    {
        if (!Directory.Exists(tempRoot))
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(tempRoot, TempDirPrefix + "*"))
        {
            try
            {
                var owner = int.Parse(File.ReadAllText(OwnerPidFile(directory)), CultureInfo.InvariantCulture);
                if (!IsAlive(owner))
                {
                    DeleteRunDirectories(directory);
                }
            }
            catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
            {
                // Not ours, or half-written by a run starting right now: leave it.
            }
        }
    }

    private static string EtcdDataDirFile(string directory) => Path.Combine(directory, "etcd-data-dir");

    /// <summary>Deletes a run's directory and its etcd data directory, which may live on tmpfs elsewhere.</summary>
    private static void DeleteRunDirectories(string runDirectory)
    {
        try
        {
            TryDeleteDirectory(File.ReadAllText(EtcdDataDirFile(runDirectory)).Trim());
        }
        catch (IOException)
        {
            // No etcd data directory recorded: nothing to delete there.
        }

        TryDeleteDirectory(runDirectory);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a server may still be writing while it is being killed; the next run sweeps it.
        }
    }

    private static string TokenFileLine(string token, string user, IEnumerable<string> groups)
    {
        var groupList = string.Join(',', groups);
        return groupList.Length == 0 ? $"{token},{user},{user}" : $"{token},{user},{user},\"{groupList}\"";
    }
}
