namespace NorthflankSimulator.State;

/// <summary>The rules of create-volume.md for the fields the simulator models.</summary>
internal static class VolumeValidation
{
    public static readonly IReadOnlyList<string> AccessModes = ["ReadWriteOnce", "ReadWriteMany"];

    /// <summary>Choice: "Configurable sizes depend on the storage class" (create-volume.md); 1 GiB to 1 TiB in MB.</summary>
    public const int MinStorageSize = 1024;
    public const int MaxStorageSize = 1048576;

    /// <summary>
    /// The storage class the reference pairs with ReadWriteMany: create-volume.md says "Only `ReadWriteOnce` is generally
    /// available", and guides/sandboxes.md creates every ReadWriteMany volume with <c>storageClassName: "nf-multi-rw"</c>.
    /// </summary>
    public const string MultiReadWriteStorageClass = "nf-multi-rw";

    public static void Validate(VolumeInput volume, IReadOnlyList<string> teamTags)
    {
        Validation.VolumeName("name", volume.Name);
        Validation.Tags("tags", volume.Tags, teamTags, Pages.CreateVolume);
        for (var i = 0; i < volume.Mounts.Count; i++)
        {
            var (containerMountPath, volumeMountPath) = volume.Mounts[i];
            var at = $"mounts[{i}]";
            Validation.Text($"{at}.containerMountPath", containerMountPath, ReferencePatterns.ContainerMountPath, 0, int.MaxValue, Pages.CreateVolume);
            if (!containerMountPath.StartsWith('/'))
            {
                throw ApiException.BadRequest($"{at}.containerMountPath", "must be an absolute path (the simulator's choice)");
            }

            if (volumeMountPath is not null)
            {
                Validation.Text($"{at}.volumeMountPath", volumeMountPath, ReferencePatterns.VolumeMountPath, 0, int.MaxValue, Pages.CreateVolume);
            }
        }

        Validation.OneOf("spec.accessMode", volume.AccessMode, AccessModes, Pages.CreateVolume);
        if (volume.AccessMode == "ReadWriteMany" && volume.StorageClassName != MultiReadWriteStorageClass)
        {
            throw ApiException.BadRequest("spec.storageClassName",
                $"ReadWriteMany is not generally available; it needs storage class {MultiReadWriteStorageClass} (create-volume.md, guides/sandboxes.md)");
        }

        Validation.Range("spec.storageSize", volume.StorageSize, MinStorageSize, MaxStorageSize, "MB; the simulator's range, a choice");
    }
}
