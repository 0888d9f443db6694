using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SandboxOperator.Api.V1Alpha1;

[Description("An environment variable: a literal value, or a key of a Secret or ConfigMap.")]
public sealed class SandboxEnvVar
{
    [JsonPropertyName("name")]
    [Description("Variable name.")]
    [Required]
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]*$")]
    [MaxLength(256)]
    public string Name { get; set; } = "";

    [JsonPropertyName("value")]
    [Description("Literal value. Do not put secrets here; use valueFrom.secretKeyRef.")]
    public string? Value { get; set; }

    [JsonPropertyName("valueFrom")]
    [Description("Reads the value from a Secret or ConfigMap key in the Sandbox's namespace at reconcile time; a change to it re-syncs the sandbox.")]
    public EnvVarSource? ValueFrom { get; set; }
}

[Description("Where an environment variable's value comes from; exactly one of its fields.")]
public sealed class EnvVarSource
{
    [JsonPropertyName("secretKeyRef")]
    [Description("A key of a Secret in the Sandbox's namespace.")]
    public KeySelector? SecretKeyRef { get; set; }

    [JsonPropertyName("configMapKeyRef")]
    [Description("A key of a ConfigMap in the Sandbox's namespace.")]
    public KeySelector? ConfigMapKeyRef { get; set; }
}

[Description("A key of a Secret or ConfigMap in the Sandbox's namespace.")]
public sealed class KeySelector
{
    [JsonPropertyName("name")]
    [Description("Name of the Secret or ConfigMap.")]
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    public string Name { get; set; } = "";

    [JsonPropertyName("key")]
    [Description("Key within it.")]
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    public string Key { get; set; } = "";

    [JsonPropertyName("optional")]
    [Description("When true, a missing object or key leaves the variable out instead of failing the sync.")]
    public bool? Optional { get; set; }
}

[Description("A key of a Secret in the Sandbox's namespace.")]
public sealed class SecretKeySelector
{
    [JsonPropertyName("name")]
    [Description("Name of the Secret.")]
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    public string Name { get; set; } = "";

    [JsonPropertyName("key")]
    [Description("Key within the Secret.")]
    [DefaultValue("token")]
    [MinLength(1)]
    [MaxLength(253)]
    public string Key { get; set; } = "token";
}
