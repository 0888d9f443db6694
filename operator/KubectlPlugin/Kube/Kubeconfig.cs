using k8s;
using k8s.KubeConfigModels;

namespace KubectlSandbox.Kube;

/// <summary>
/// The kubeconfig files kubectl would read, merged as kubectl merges them: <c>--kubeconfig</c> alone, else each existing
/// file of <c>KUBECONFIG</c> (the first file to name a context, cluster or user wins, and the first current-context),
/// else <c>~/.kube/config</c>. KubernetesClient loads one file; merging several is done here, with a later file's
/// relative certificate paths made absolute against its own directory first.
/// </summary>
internal static class Kubeconfig
{
    public static IReadOnlyList<string> Files(string? flag, string? environment) =>
        flag is not null ? [flag]
        : environment is { Length: > 0 } ? environment.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(File.Exists).ToList()
        : [KubernetesClientConfiguration.KubeConfigDefaultLocation];

    public static K8SConfiguration Load(IReadOnlyList<string> files)
    {
        if (files.Count == 0 || !File.Exists(files[0]))
        {
            throw new ApiError($"no kubeconfig: {(files.Count == 0 ? "no file of KUBECONFIG exists" : $"{files[0]} does not exist")}");
        }

        var configs = files.Select(f => KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(f))).ToList();
        foreach (var (config, file) in configs.Zip(files).Skip(1))
        {
            Absolute(config, Path.GetDirectoryName(Path.GetFullPath(file))!);
        }

        var merged = configs[0];
        merged.CurrentContext = configs.Select(c => c.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c));
        merged.Contexts = configs.SelectMany(c => c.Contexts ?? []).DistinctBy(c => c.Name).ToList();
        merged.Clusters = configs.SelectMany(c => c.Clusters ?? []).DistinctBy(c => c.Name).ToList();
        merged.Users = configs.SelectMany(c => c.Users ?? []).DistinctBy(c => c.Name).ToList();
        return merged;
    }

    private static void Absolute(K8SConfiguration config, string directory)
    {
        string? Resolve(string? path) => string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.Combine(directory, path);
        foreach (var cluster in (config.Clusters ?? []).Select(c => c.ClusterEndpoint).OfType<ClusterEndpoint>())
        {
            cluster.CertificateAuthority = Resolve(cluster.CertificateAuthority);
        }

        foreach (var user in (config.Users ?? []).Select(u => u.UserCredentials).OfType<UserCredentials>())
        {
            user.ClientCertificate = Resolve(user.ClientCertificate);
            user.ClientKey = Resolve(user.ClientKey);
        }
    }
}
