using System.ComponentModel;
using System.Text.Json.Serialization;

namespace SandboxOperator.Api.V1Alpha1;

[Description("Who uses the template, as the operator last observed it in the template's namespace, and a hash of its spec.")]
public sealed class SandboxTemplateStatus
{
    /// <summary>How many Sandbox names <see cref="SandboxNames"/> lists at most.</summary>
    public const int MaxSandboxNames = 20;

    [JsonPropertyName("observedGeneration")]
    [Description("The spec generation this status describes.")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("hash")]
    [Description("A short hash of the spec (10 hex digits): the same spec always has the same hash, even in another namespace or after the template is deleted and created again, which the generation is not.")]
    public string? Hash { get; set; }

    [JsonPropertyName("sandboxes")]
    [Description("Sandboxes that name this template in spec.templateRef and are not being deleted (pooled and claimed ones included).")]
    public int Sandboxes { get; set; }

    [JsonPropertyName("sandboxNames")]
    [Description("The first 20 of those Sandboxes by name, sorted; sandboxes says how many there are in all.")]
    public IList<string>? SandboxNames { get; set; }

    [JsonPropertyName("pools")]
    [Description("Names of the SandboxWarmPools made from this template and not being deleted, sorted.")]
    public IList<string>? Pools { get; set; }

    [JsonPropertyName("claims")]
    [Description("SandboxClaims that name this template in spec.templateRef and are not being deleted (claims of a pool count for the pool).")]
    public int Claims { get; set; }
}
