namespace TestInfra;

/// <summary>
/// Locates the binaries that <c>make tools</c> (tests/infra/install-tools.sh) installs into the tool cache.
/// </summary>
public static class Tools
{
    /// <summary>Environment variable (exported by the Makefile) that points at the tool cache's bin directory.</summary>
    public const string BinDirVariable = "NSO_TOOLS_BIN";

    public static string Etcd => Require("etcd");

    public static string KubeApiserver => Require("kube-apiserver");

    public static string KubeControllerManager => Require("kube-controller-manager");

    public static string Kubectl => Require("kubectl");

    public static string Helm => Require("helm");

    /// <summary>The <c>kubectl sandbox</c> plugin as the solution built it, in the configuration these tests were built in.</summary>
    public static string KubectlSandbox
    {
        get
        {
            var separator = Path.DirectorySeparatorChar;
            var configuration = AppContext.BaseDirectory.Contains($"{separator}Debug{separator}", StringComparison.Ordinal) ? "Debug" : "Release";
            return Path.Combine(RepositoryRoot.Path, "operator", "KubectlPlugin", "bin", configuration, "net10.0", "kubectl-sandbox");
        }
    }

    /// <summary>
    /// The bin directory: <c>$NSO_TOOLS_BIN</c>, else the same default as install-tools.sh:
    /// <c>${NSO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/northflank-sandbox-operator}/bin</c>.
    /// </summary>
    public static string BinDir
    {
        get
        {
            var explicitBin = Environment.GetEnvironmentVariable(BinDirVariable);
            if (!string.IsNullOrEmpty(explicitBin))
            {
                return explicitBin;
            }

            var cacheDir = Environment.GetEnvironmentVariable("NSO_CACHE_DIR");
            if (string.IsNullOrEmpty(cacheDir))
            {
                var xdgCache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                if (string.IsNullOrEmpty(xdgCache))
                {
                    xdgCache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
                }

                cacheDir = Path.Combine(xdgCache, "northflank-sandbox-operator");
            }

            return Path.Combine(cacheDir, "bin");
        }
    }

    /// <summary>Full path of a tool, or an exception that tells the reader how to install it.</summary>
    public static string Require(string name)
    {
        var path = Path.Combine(BinDir, name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"'{name}' is not installed at {path}. Run `make tools` (tests/infra/install-tools.sh) once on this " +
                $"machine, or set {BinDirVariable} to the directory that holds etcd, kube-apiserver, " +
                "kube-controller-manager, kubectl and helm.",
                path);
        }

        return path;
    }
}
