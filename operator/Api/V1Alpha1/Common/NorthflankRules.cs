namespace SandboxOperator.Api.V1Alpha1;

/// <summary>
/// Northflank's own rules for the fields a Sandbox passes through, copied from its API reference
/// (northflank.com/docs/v1/api; the page of each is named), so the API server refuses what Northflank would refuse
/// and users read the message from kubectl instead of a 400 later. Where the reference is silent (storage sizes), the
/// range is this project's choice, and the same one the simulator makes.
/// </summary>
public static class NorthflankRules
{
    /// <summary>Ids are slugs of names (project/services/put-deployment-service.md: "Example Service" is <c>example-service</c>).</summary>
    public const string IdPattern = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$";

    public const int IdMinLength = 3;

    /// <summary>
    /// The storage class of a ReadWriteMany volume: only ReadWriteOnce is generally available (project/volumes/create-volume.md),
    /// and the guides create every ReadWriteMany volume with this class (guides/sandboxes.md).
    /// </summary>
    public const string MultiReadWriteStorageClass = "nf-multi-rw";

    /// <summary>Project and volume names are at most 39 characters (team/projects/create-project.md, project/volumes/create-volume.md).</summary>
    public const int IdMaxLength = 39;

    /// <summary>Service names are at most 54 characters (put-deployment-service.md), so their ids are too.</summary>
    public const int ServiceIdMaxLength = 54;

    /// <summary>
    /// <c>deployment.external.imagePath</c> (put-deployment-service.md): a tag or digest is required, and the registry host
    /// unless the image is on Docker Hub.
    /// </summary>
    public const string ImagePathPattern =
        @"^(?:(?:https?:\/\/)?([a-zA-Z0-9\-]+\.[a-zA-Z0-9\.\-]+)(\/v1)?)?(?:\/)?([a-zA-Z/-9\.\-_]+)(?:\:([a-zA-Z/-9\.\-_\:]+)|\@([a-zA-Z/-9\.\-_\:]+))$";

    /// <summary><c>billing.deploymentPlan</c>, 3 to 100 characters (put-deployment-service.md).</summary>
    public const string PlanPattern = "^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$";

    /// <summary>
    /// The id of saved registry credentials, 3 to 39 characters, as list-registries.md gives it (deployment.external.credentials
    /// in put-deployment-service.md allows <c>^[A-Za-z0-9-]+$</c>, which this is within).
    /// </summary>
    public const string RegistryCredentialsPattern = "^[a-zA-Z](-?[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*)?$";

    /// <summary><c>tags[]</c>, each 3 to 100 characters (put-deployment-service.md, team/tags).</summary>
    public const string TagPattern = "^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$";

    /// <summary><c>ports[].name</c>, 1 to 8 characters (put-deployment-service.md).</summary>
    public const string PortNamePattern = "^[a-zA-Z](-?[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*)?$";

    public const int PortNameMaxLength = 8;

    /// <summary><c>description</c>, at most 200 characters (put-deployment-service.md): no <c>= # @ &lt; &gt; { } + |</c>.</summary>
    public const string DescriptionPattern = @"^[a-zA-Z0-9.,?\s\\/'""()[\];`%^&*\-_:!]+$";

    public const int DescriptionMaxLength = 200;

    /// <summary><c>createOptions.expiryTime</c>: seconds from creation, 5 minutes to 7 days (put-deployment-service.md).</summary>
    public static readonly TimeSpan MinExpiry = TimeSpan.FromSeconds(300);

    public static readonly TimeSpan MaxExpiry = TimeSpan.FromSeconds(604800);

    /// <summary>Ephemeral storage in MB: the reference gives no range; this project's choice.</summary>
    public const int EphemeralStorageMinMB = 1024;

    public const int EphemeralStorageMaxMB = 102400;

    /// <summary>Volume size in MB: "configurable sizes depend on the storage class" (create-volume.md); this project's choice.</summary>
    public const int VolumeMinMB = 1024;

    public const int VolumeMaxMB = 1048576;
}
