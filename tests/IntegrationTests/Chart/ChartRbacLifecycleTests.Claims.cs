using k8s;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;

namespace IntegrationTests.Chart;

/// <summary>What the lifecycle tests need of claims: a claim on a template, whose Sandbox the operator creates, and the template's status.</summary>
public sealed partial class ChartRbacLifecycleTests
{
    /// <summary>A template and a claim on it (cold: the operator creates the claim's Sandbox).</summary>
    private async Task CreateClaimAsync()
    {
        using var templates = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, SandboxTemplate.Plural, disposeClient: false);
        using var claims = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, SandboxClaim.Plural, disposeClient: false);
        await templates.CreateNamespacedAsync(
            new SandboxTemplate { Metadata = new V1ObjectMeta { Name = "agent" }, Spec = new SandboxTemplateSpec { Image = "python:3.12-slim", Command = "sleep infinity" } },
            Namespace);
        await claims.CreateNamespacedAsync(
            new SandboxClaim { Metadata = new V1ObjectMeta { Name = "claimed" }, Spec = new SandboxClaimSpec { TemplateRef = new TemplateReference { Name = "agent" } } },
            Namespace);
    }

    private async Task<SandboxTemplateStatus?> TemplateStatusAsync()
    {
        using var templates = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, SandboxTemplate.Plural, disposeClient: false);
        return (await templates.ReadNamespacedAsync<SandboxTemplate>(Namespace, "agent")).Status;
    }

    private async Task<bool> ClaimReadyAsync()
    {
        using var claims = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, SandboxClaim.Plural, disposeClient: false);
        var claim = await claims.ReadNamespacedAsync<SandboxClaim>(Namespace, "claimed");
        return claim.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "True") == true;
    }
}
