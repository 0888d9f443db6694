using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using TestInfra;

namespace IntegrationTests.ControlPlane;

/// <summary>
/// A tiny CRD (kind Widget) used only to prove the control plane handles CRDs like a real cluster:
/// structural schema, a default (spec.color = "blue"), a required field (spec.size) and the status subresource.
/// </summary>
internal static class TestWidgets
{
    public const string Group = "harness.nso.test";
    public const string Version = "v1";
    public const string Plural = "widgets";
    public const string Kind = "Widget";
    public const string CrdName = Plural + "." + Group;
    public const string DefaultColor = "blue";

    private static readonly Lazy<Task> Installation = new(() => InstallAsync(GlobalSetup.ControlPlane.AdminClient));

    /// <summary>Creates the CRD once per run and waits until it is Established; safe to call from parallel tests.</summary>
    public static Task EnsureInstalledAsync() => Installation.Value;

    public static Dictionary<string, object> NewWidget(string name, Dictionary<string, object> spec) => new()
    {
        ["apiVersion"] = $"{Group}/{Version}",
        ["kind"] = Kind,
        ["metadata"] = new Dictionary<string, object> { ["name"] = name },
        ["spec"] = spec,
    };

    /// <summary>The CustomObjects API returns untyped objects; normalize them to JSON for reading fields.</summary>
    public static JsonElement AsJson(object customObject) => JsonSerializer.SerializeToElement(customObject);

    private static async Task InstallAsync(Kubernetes admin)
    {
        try
        {
            await admin.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Definition());
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Installed by an earlier call in this run.
        }

        await Poll.UntilAsync(
            async ct =>
            {
                var crd = await admin.ApiextensionsV1.ReadCustomResourceDefinitionAsync(CrdName, cancellationToken: ct);
                return crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true;
            },
            TimeSpan.FromSeconds(30),
            $"CRD {CrdName} is Established");
    }

    private static V1CustomResourceDefinition Definition() => new()
    {
        Metadata = new V1ObjectMeta { Name = CrdName },
        Spec = new V1CustomResourceDefinitionSpec
        {
            Group = Group,
            Scope = "Namespaced",
            Names = new V1CustomResourceDefinitionNames { Plural = Plural, Singular = "widget", Kind = Kind, ListKind = Kind + "List" },
            Versions =
            [
                new V1CustomResourceDefinitionVersion
                {
                    Name = Version,
                    Served = true,
                    Storage = true,
                    Subresources = new V1CustomResourceSubresources { Status = new object() },
                    Schema = new V1CustomResourceValidation
                    {
                        OpenAPIV3Schema = new V1JSONSchemaProps
                        {
                            Type = "object",
                            Required = ["spec"],
                            Properties = new Dictionary<string, V1JSONSchemaProps>
                            {
                                ["spec"] = new()
                                {
                                    Type = "object",
                                    Required = ["size"],
                                    Properties = new Dictionary<string, V1JSONSchemaProps>
                                    {
                                        ["size"] = new() { Type = "integer", Minimum = 1 },
                                        ["color"] = new() { Type = "string", DefaultProperty = DefaultColor },
                                    },
                                },
                                ["status"] = new()
                                {
                                    Type = "object",
                                    Properties = new Dictionary<string, V1JSONSchemaProps>
                                    {
                                        ["phase"] = new() { Type = "string" },
                                        ["observedGeneration"] = new() { Type = "integer", Format = "int64" },
                                    },
                                },
                            },
                        },
                    },
                },
            ],
        },
    };
}
