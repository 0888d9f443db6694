using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using TestInfra;

namespace IntegrationTests.ControlPlane;

/// <summary>kube-controller-manager runs: namespaces with content finish deleting, owner references are collected.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class NamespaceLifecycleTests : ControlPlaneTest
{
    private static readonly TimeSpan ControllerTimeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Deleting_a_namespace_with_a_config_map_completes()
    {
        var doomed = await ControlPlane.CreateNamespaceAsync("doomed");
        await Admin.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "content" }, Data = new Dictionary<string, string> { ["k"] = "v" } },
            doomed);

        await Admin.CoreV1.DeleteNamespaceAsync(doomed);

        // Without the namespace controller the namespace would stay Terminating forever.
        await Poll.UntilAsync(ct => IsGoneAsync(() => Admin.CoreV1.ReadNamespaceAsync(doomed, cancellationToken: ct)), ControllerTimeout, $"namespace {doomed} is gone");
    }

    [Test]
    public async Task Deleting_an_owner_garbage_collects_its_dependents()
    {
        var owner = await Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "owner" } }, Namespace);
        await Admin.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap
            {
                Metadata = new V1ObjectMeta
                {
                    Name = "dependent",
                    OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = owner.Name(), Uid = owner.Uid() }],
                },
            },
            Namespace);

        await Admin.CoreV1.DeleteNamespacedConfigMapAsync("owner", Namespace);

        await Poll.UntilAsync(
            ct => IsGoneAsync(() => Admin.CoreV1.ReadNamespacedConfigMapAsync("dependent", Namespace, cancellationToken: ct)),
            ControllerTimeout,
            "the dependent ConfigMap is garbage collected");
    }

    private static async Task<bool> IsGoneAsync(Func<Task> read)
    {
        try
        {
            await read();
            return false;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return true;
        }
    }
}
