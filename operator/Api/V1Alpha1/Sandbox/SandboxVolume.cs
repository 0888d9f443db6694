using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SandboxOperator.Api.V1Alpha1;

[Description("A persistent Northflank volume attached to the sandbox.")]
public sealed class SandboxVolume
{
    [JsonPropertyName("sizeMB")]
    [Description("Size in MB.")]
    [Required]
    [Range(NorthflankRules.VolumeMinMB, NorthflankRules.VolumeMaxMB)]
    public int SizeMB { get; set; }

    [JsonPropertyName("mountPath")]
    [Description("Absolute path where the volume is mounted in the container.")]
    [Required]
    [RegularExpression("^/[^:]*$")]
    [MaxLength(1024)]
    public string MountPath { get; set; } = "";

    [JsonPropertyName("accessMode")]
    [Description("ReadWriteOnce (one instance) or ReadWriteMany (not generally available on Northflank; needs storageClass nf-multi-rw).")]
    [DefaultValue(VolumeAccessModes.ReadWriteOnce)]
    [AllowedValues(VolumeAccessModes.ReadWriteOnce, VolumeAccessModes.ReadWriteMany)]
    public string AccessMode { get; set; } = VolumeAccessModes.ReadWriteOnce;

    [JsonPropertyName("storageClass")]
    [Description("Northflank storage class; Northflank's default when unset. ReadWriteMany needs nf-multi-rw.")]
    [MaxLength(64)]
    public string? StorageClass { get; set; }
}

public static class VolumeAccessModes
{
    public const string ReadWriteOnce = "ReadWriteOnce";
    public const string ReadWriteMany = "ReadWriteMany";
}
