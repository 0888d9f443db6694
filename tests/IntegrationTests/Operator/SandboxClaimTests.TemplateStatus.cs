using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Templates;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>A template's status: who uses it (Sandboxes of its own, a pool's, a claim's) and the hash of its spec.</summary>
public partial class SandboxClaimTests
{
    [Test]
    public async Task A_templates_status_shows_the_Sandboxes_and_pools_using_it_and_its_hash_and_follows_a_delete()
    {
        var template = await CreateTemplateAsync("agent");
        await CreateAsync(NewSandbox("first", s => s.TemplateRef = new TemplateReference { Name = "agent" }));
        await CreateAsync(NewSandbox("second", s => s.TemplateRef = new TemplateReference { Name = "agent" }));
        await CreateAsync(NewSandbox("unrelated"));
        await CreatePoolAsync("warm", "agent", replicas: 1);
        var pooled = (await WaitForPoolAsync("warm", ready: 1)).Single().Metadata.Name;

        var status = await WaitForTemplateStatusAsync("agent", s => s.Sandboxes == 3);
        Assert.Multiple(() =>
        {
            Assert.That(status.Hash, Is.EqualTo(TemplateHash.Of(template.Spec)).And.Match("^[0-9a-f]{10}$"));
            Assert.That(status.ObservedGeneration, Is.EqualTo(1));
            Assert.That(status.SandboxNames, Is.EqualTo(new[] { "first", "second", pooled }.Order(StringComparer.Ordinal)));
            Assert.That(status.Pools, Is.EqualTo(new[] { "warm" }));
            Assert.That(status.Claims, Is.Zero);
        });
        var get = await ToolRunner.RunAsync(Tools.Kubectl, ["get", "sbxt", "-n", Namespace, "-o", "wide"], ControlPlane.AdminKubeconfigPath);
        TestContext.Out.WriteLine(get.StandardOutput);
        Assert.That(get.StandardOutput, Does.Contain(status.Hash).And.Contain("warm"), get.Describe());

        await DeleteAsync("first");
        status = await WaitForTemplateStatusAsync("agent", s => s.Sandboxes == 2);
        Assert.That(status.SandboxNames, Does.Not.Contain("first"));

        await CreateClaimAsync("mine", template: "agent");
        await WaitForTemplateStatusAsync("agent", s => s.Claims == 1 && s.Sandboxes == 3);
    }

    private async Task<SandboxTemplateStatus> WaitForTemplateStatusAsync(string name, Func<SandboxTemplateStatus, bool> done)
    {
        SandboxTemplate? template = null;
        await Poll.UntilAsync(
            async ct =>
            {
                template = await Templates.ReadNamespacedAsync<SandboxTemplate>(Namespace, name, ct);
                return template.Status is { } status && done(status);
            },
            TimeSpan.FromSeconds(90),
            $"template {name}'s status");
        return template!.Status!;
    }
}
