using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;

namespace SandboxOperator.Api.V1Alpha1;

[Description("What the operator last observed of a config's token.")]
public sealed class NorthflankConfigStatus
{
    [JsonPropertyName("observedGeneration")]
    [Description("The spec generation this status describes.")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    [Description("Ready: the token answers and sees every allowed project.")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("projects")]
    [Description("The allowed projects the token can see.")]
    public IList<string>? Projects { get; set; }

    [JsonPropertyName("sandboxes")]
    [Description("Sandboxes using this config.")]
    public int? Sandboxes { get; set; }

    [JsonPropertyName("lastChecked")]
    [Description("When the token was last tried.")]
    public DateTimeOffset? LastChecked { get; set; }
}
