using System.Net;
using k8s;
using k8s.Autorest;
using TestInfra;

namespace IntegrationTests;

/// <summary>
/// Base class for tests against the shared local control plane: each test gets its own fresh namespace
/// (<see cref="Namespace"/>), created before and deleted (without waiting) after it.
/// A new fixture instance per test case keeps <see cref="Namespace"/> per test when tests run in parallel; so
/// one-time setup in derived fixtures must be static.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public abstract class ControlPlaneTest
{
    protected static LocalControlPlane ControlPlane => GlobalSetup.ControlPlane;

    /// <summary>Shared cluster-admin client; do not dispose.</summary>
    protected static Kubernetes Admin => GlobalSetup.ControlPlane.AdminClient;

    /// <summary>This test's namespace.</summary>
    protected string Namespace { get; private set; } = string.Empty;

    [SetUp]
    public async Task CreateTestNamespace()
    {
        Namespace = await ControlPlane.CreateNamespaceAsync(TestContext.CurrentContext.Test.MethodName ?? "test");
    }

    [TearDown]
    public async Task DeleteTestNamespace()
    {
        if (Namespace.Length == 0)
        {
            return;
        }

        try
        {
            // Not awaited to completion: the namespace controller finalizes it in the background.
            await Admin.CoreV1.DeleteNamespaceAsync(Namespace);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // The test deleted it itself.
        }
    }
}
