using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace IntegrationTests.ControlPlane;

/// <summary>The control plane treats CRDs like a real cluster: Established, defaulting, validation, status subresource.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class CustomResourceTests : ControlPlaneTest
{
    [OneTimeSetUp]
    public static Task InstallCrd() => TestWidgets.EnsureInstalledAsync();

    [Test]
    public async Task Crd_becomes_established()
    {
        var crd = await Admin.ApiextensionsV1.ReadCustomResourceDefinitionAsync(TestWidgets.CrdName);

        var established = crd.Status.Conditions.SingleOrDefault(c => c.Type == "Established");
        Assert.That(established?.Status, Is.EqualTo("True"), "Established condition of the CRD");
    }

    [Test]
    public async Task Create_applies_schema_default()
    {
        await CreateWidgetAsync("defaulted", new() { ["size"] = 3 });

        var stored = TestWidgets.AsJson(await GetWidgetAsync("defaulted"));

        Assert.That(stored.GetProperty("spec").GetProperty("color").GetString(), Is.EqualTo(TestWidgets.DefaultColor));
    }

    [Test]
    public void Create_without_required_field_is_rejected_naming_the_field()
    {
        var ex = Assert.ThrowsAsync<HttpOperationException>(() => CreateWidgetAsync("no-size", new() { ["color"] = "red" }));

        Assert.That(ex!.Response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(ex.Response.Content, Does.Contain("spec.size").And.Contain("Required value"));
    }

    [Test]
    public async Task Status_subresource_updates_status_and_only_spec_changes_bump_generation()
    {
        var created = TestWidgets.AsJson(await CreateWidgetAsync("with-status", new() { ["size"] = 1 }));
        Assert.That(Generation(created), Is.EqualTo(1));

        var afterStatus = TestWidgets.AsJson(await Admin.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            MergePatch(new { status = new { phase = "Ready", observedGeneration = 1 } }),
            TestWidgets.Group, TestWidgets.Version, Namespace, TestWidgets.Plural, "with-status"));
        Assert.That(afterStatus.GetProperty("status").GetProperty("phase").GetString(), Is.EqualTo("Ready"));
        Assert.That(Generation(afterStatus), Is.EqualTo(1), "a status change must not bump metadata.generation");

        // Through the main resource, status is ignored (that is what the subresource is for) and spec counts.
        var afterSpec = TestWidgets.AsJson(await Admin.CustomObjects.PatchNamespacedCustomObjectAsync(
            MergePatch(new { spec = new { size = 2 }, status = new { phase = "Ignored" } }),
            TestWidgets.Group, TestWidgets.Version, Namespace, TestWidgets.Plural, "with-status"));
        Assert.That(Generation(afterSpec), Is.EqualTo(2), "a spec change must bump metadata.generation");
        Assert.That(afterSpec.GetProperty("status").GetProperty("phase").GetString(), Is.EqualTo("Ready"));
    }

    private static long Generation(JsonElement widget) => widget.GetProperty("metadata").GetProperty("generation").GetInt64();

    private static V1Patch MergePatch(object patch) => new(JsonSerializer.Serialize(patch), V1Patch.PatchType.MergePatch);

    private Task<object> CreateWidgetAsync(string name, Dictionary<string, object> spec) =>
        Admin.CustomObjects.CreateNamespacedCustomObjectAsync(
            TestWidgets.NewWidget(name, spec), TestWidgets.Group, TestWidgets.Version, Namespace, TestWidgets.Plural);

    private Task<object> GetWidgetAsync(string name) =>
        Admin.CustomObjects.GetNamespacedCustomObjectAsync(TestWidgets.Group, TestWidgets.Version, Namespace, TestWidgets.Plural, name);
}
