using System.Globalization;
using k8s;
using k8s.Models;
using SandboxOperator.Api.Crds;
using SandboxOperator.Api.V1Alpha1;

namespace TestInfra;

/// <summary>Many Sandboxes at once, through the Kubernetes API, for scale tests and benchmarks.</summary>
public static class SandboxFleet
{
    /// <summary>
    /// How many creates are in flight at once: enough to keep the API server busy, few enough that a shared 2-core
    /// machine does not time requests out.
    /// </summary>
    public const int DefaultParallelism = 16;

    /// <summary>Installs (or updates) every CRD of crds/ with kubectl, as users do, and waits until they are served.</summary>
    public static async Task InstallCrdAsync(string kubeconfigPath, CancellationToken ct = default)
    {
        var path = Path.Combine(RepositoryRoot.Path, "crds");
        var apply = await ToolRunner.RunAsync(Tools.Kubectl, ["apply", "--server-side", "-f", path], kubeconfigPath, ct: ct);
        var names = Crds.All.Select(d => $"crd/{CrdBuilder.Build(d).Metadata.Name}");
        var established = apply.Succeeded
            ? await ToolRunner.RunAsync(Tools.Kubectl, ["wait", "--for=condition=Established", "--timeout=60s", .. names], kubeconfigPath, ct: ct)
            : apply;
        if (!established.Succeeded)
        {
            throw new InvalidOperationException($"installing the CRDs failed: {established.Describe()}");
        }
    }

    /// <summary>Names <c>prefix-0001</c> ... so they sort in creation order.</summary>
    public static IReadOnlyList<string> Names(string prefix, int count) =>
        [.. Enumerable.Range(1, count).Select(i => $"{prefix}-{i.ToString("D4", CultureInfo.InvariantCulture)}")];

    /// <summary>The smallest useful Sandbox: an image and a command, no volume, no ports.</summary>
    public static Sandbox Minimal(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new SandboxSpec { Image = "python:3.12-slim", Command = "sleep infinity" },
    };

    /// <summary>Creates the Sandboxes, <paramref name="parallelism"/> at a time.</summary>
    public static Task CreateAsync(IKubernetes kubernetes, string @namespace, IEnumerable<Sandbox> sandboxes, int parallelism = DefaultParallelism, CancellationToken ct = default) =>
        Parallel.ForEachAsync(
            sandboxes,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
            async (sandbox, c) =>
            {
                using var client = Client(kubernetes);
                await client.CreateNamespacedAsync(sandbox, @namespace, c);
            });

    /// <summary>Deletes every Sandbox in the namespace with one call; finalizers keep each until the operator is done.</summary>
    public static async Task DeleteAllAsync(IKubernetes kubernetes, string @namespace, CancellationToken ct = default)
    {
        // With thousands of Sandboxes on a loaded machine the API server can answer 504 before it has marked them all
        // deleted (its request timeout is 34 s); what it marked stays marked, so asking again finishes the rest.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await kubernetes.CustomObjects.DeleteCollectionNamespacedCustomObjectAsync(Sandbox.Group, Sandbox.Version, @namespace, Sandbox.Plural, cancellationToken: ct);
                return;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.GatewayTimeout && attempt < 10)
            {
            }
        }
    }

    /// <summary>How many Sandboxes the namespace still holds (including those waiting on their finalizer).</summary>
    public static async Task<int> CountAsync(IKubernetes kubernetes, string @namespace, CancellationToken ct = default)
    {
        using var client = Client(kubernetes);
        return (await client.ListNamespacedAsync<SandboxList>(@namespace, cancel: ct)).Items.Count;
    }

    /// <summary>A Sandbox client that shares (and does not dispose) the given connection.</summary>
    public static GenericClient Client(IKubernetes kubernetes) =>
        new(kubernetes, Sandbox.Group, Sandbox.Version, Sandbox.Plural, disposeClient: false);
}
