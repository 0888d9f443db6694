using k8s;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Api.Schema;

/// <summary>The Sandbox CustomResourceDefinition, generated from the API types (`make crds` writes it to crds/).</summary>
public static class SandboxCrd
{
    public const string FileName = "sandbox.northflank.com_sandboxes.yaml";

    public static V1CustomResourceDefinition Build()
    {
        var schema = SchemaGenerator.For(typeof(Sandbox));
        // apiVersion, kind and metadata are the API server's; only spec and status are ours to describe.
        schema.Properties.Remove("metadata");
        schema.Properties["apiVersion"].Description = "APIVersion defines the versioned schema of this representation of an object.";
        schema.Properties["kind"].Description = "Kind is a string value representing the REST resource this object represents.";
        schema.Required = ["spec"];

        return new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = $"{Sandbox.Plural}.{Sandbox.Group}" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = Sandbox.Group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = Sandbox.EntityKind,
                    ListKind = $"{Sandbox.EntityKind}List",
                    Plural = Sandbox.Plural,
                    Singular = Sandbox.Singular,
                    ShortNames = [Sandbox.ShortName],
                    Categories = ["northflank"],
                },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = Sandbox.Version,
                        Served = true,
                        Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = schema },
                        Subresources = new V1CustomResourceSubresources { Status = new Dictionary<string, object>() },
                        AdditionalPrinterColumns = PrinterColumns(),
                    },
                ],
            },
        };
    }

    public static string ToYaml() =>
        "# Generated from operator/Api/V1Alpha1 by `make crds`; do not edit by hand.\n" + KubernetesYaml.Serialize(Build());

    private static List<V1CustomResourceColumnDefinition> PrinterColumns() =>
    [
        new() { Name = "Ready", Type = "string", JsonPath = ".status.conditions[?(@.type==\"Ready\")].status" },
        new() { Name = "Reason", Type = "string", JsonPath = ".status.conditions[?(@.type==\"Ready\")].reason" },
        new() { Name = "Mode", Type = "string", JsonPath = ".status.operatingMode" },
        new() { Name = "URL", Type = "string", JsonPath = ".status.url" },
        new() { Name = "Age", Type = "date", JsonPath = ".metadata.creationTimestamp" },
        new() { Name = "Service", Type = "string", JsonPath = ".status.serviceId", Priority = 1 },
        new() { Name = "Synced", Type = "string", JsonPath = ".status.conditions[?(@.type==\"Synced\")].status", Priority = 1 },
    ];
}
