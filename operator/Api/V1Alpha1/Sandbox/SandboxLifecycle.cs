using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SandboxOperator.Api.V1Alpha1;

[Description("When the sandbox ends by itself. Give shutdownAfter or shutdownTime, not both.")]
public sealed class SandboxLifecycle
{
    [JsonPropertyName("shutdownAfter")]
    [Description("How long after the Sandbox's creation it ends, as a duration such as 90m, 2h or 1h30m (units s, m, h, d), at most 366d.")]
    [RegularExpression("^([0-9]{1,6}(\\.[0-9]{1,6})?(s|m|h|d)){1,4}$")]
    [MaxLength(64)]
    public string? ShutdownAfter { get; set; }

    [JsonPropertyName("shutdownTime")]
    [Description("The time (RFC 3339) at which the sandbox ends.")]
    public DateTimeOffset? ShutdownTime { get; set; }

    [JsonPropertyName("shutdownPolicy")]
    [Description("What happens at expiry: Delete deletes the Sandbox (and so its Northflank service, under deletionPolicy Delete); Pause pauses it.")]
    [DefaultValue(ShutdownPolicies.Delete)]
    [AllowedValues(ShutdownPolicies.Delete, ShutdownPolicies.Pause)]
    public string ShutdownPolicy { get; set; } = ShutdownPolicies.Delete;
}

public static class ShutdownPolicies
{
    public const string Delete = "Delete";
    public const string Pause = "Pause";
}
