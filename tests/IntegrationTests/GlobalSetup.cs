using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests;

/// <summary>
/// Starts one local Kubernetes control plane for the whole integration test run (it sits in the root namespace, so
/// NUnit runs it around every fixture of this assembly) and stops it at the end.
/// </summary>
[SetUpFixture]
public sealed class GlobalSetup
{
    /// <summary>A user in group <see cref="TestGroup"/>, for tests of group-based RBAC.</summary>
    public const string GroupMemberUser = "group-member";

    public const string TestGroup = "nso:test-group";

    private static LocalControlPlane? controlPlane;

    public static LocalControlPlane ControlPlane =>
        controlPlane ?? throw new InvalidOperationException("The local control plane has not been started (GlobalSetup did not run or failed).");

    [OneTimeSetUp]
    public async Task StartControlPlane()
    {
        var options = new LocalControlPlaneOptions
        {
            Users = { new ControlPlaneUser(GroupMemberUser, TestGroup) },
            // Who wrote which Sandbox or Lease when (the leader failover test); Metadata level for writes only.
            AuditedWrites =
            {
                new AuditedResource(Sandbox.Group, Sandbox.Plural, $"{Sandbox.Plural}/status"),
                new AuditedResource("coordination.k8s.io", "leases"),
            },
            Log = message => TestContext.Progress.WriteLine($"[control plane] {message}"),
        };
        controlPlane = await LocalControlPlane.StartAsync(options);
        // Printed, not asserted: a slow shared machine must not fail the run.
        TestContext.Progress.WriteLine(
            $"[control plane] startup took {controlPlane.StartupTime.TotalSeconds:F1} s; logs in {controlPlane.RootDirectory}/logs");
    }

    [OneTimeTearDown]
    public async Task StopControlPlane()
    {
        if (controlPlane is not null)
        {
            await controlPlane.DisposeAsync();
            controlPlane = null;
        }
    }
}
