using System.Reflection;
using k8s;
using k8s.Models;

namespace SandboxOperator.Api.Crds;

/// <summary>
/// Builds a CustomResourceDefinition from a kind's C# type and its <see cref="CrdDefinition"/> (`make crds` writes one
/// file per kind to crds/). Group, version, kind and plural come from the type's [KubernetesEntity]; the schema from
/// <see cref="SchemaGenerator"/>; every kind with a status gets the status subresource, and a pool the scale one.
/// </summary>
public static class CrdBuilder
{
    public static V1CustomResourceDefinition Build(CrdDefinition definition)
    {
        var entity = definition.EntityType.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{definition.EntityType.Name} has no [KubernetesEntity].");
        var schema = SchemaGenerator.For(definition.EntityType);
        // apiVersion, kind and metadata are the API server's; only spec and status are ours to describe.
        schema.Properties.Remove("metadata");
        schema.Properties["apiVersion"].Description = "APIVersion defines the versioned schema of this representation of an object.";
        schema.Properties["kind"].Description = "Kind is a string value representing the REST resource this object represents.";
        schema.Required = ["spec"];

        return new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = $"{entity.PluralName}.{entity.Group}" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = entity.Group,
                Scope = definition.ClusterScoped ? "Cluster" : "Namespaced",
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = entity.Kind,
                    ListKind = $"{entity.Kind}List",
                    Plural = entity.PluralName,
                    Singular = definition.Singular,
                    ShortNames = definition.ShortNames.Count == 0 ? null : [.. definition.ShortNames],
                    Categories = ["northflank"],
                },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = entity.ApiVersion,
                        Served = true,
                        Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = schema },
                        Subresources = new V1CustomResourceSubresources
                        {
                            Status = new Dictionary<string, object>(),
                            Scale = definition.Scale,
                        },
                        AdditionalPrinterColumns = [.. definition.PrinterColumns],
                    },
                ],
            },
        };
    }

    /// <summary><c>group_plural.yaml</c>, as kubebuilder names them.</summary>
    public static string FileName(CrdDefinition definition)
    {
        var entity = definition.EntityType.GetCustomAttribute<KubernetesEntityAttribute>()!;
        return $"{entity.Group}_{entity.PluralName}.yaml";
    }

    public static string ToYaml(CrdDefinition definition) =>
        "# Generated from operator/Api/V1Alpha1 by `make crds`; do not edit by hand.\n" + KubernetesYaml.Serialize(Build(definition));
}
