using System.Text.RegularExpressions;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// How the operator marks what it creates on Northflank, and recognises it again: in the service's description, which
/// Northflank's service list carries for every item (so the batched observation sees it without a GET) and GET returns.
/// Tags cannot carry it: they are the team's resource tags (they may carry scheduling rules) and their pattern has no
/// room for a uid. The description's pattern allows letters, digits, spaces and <c>( ) , : / . -</c>, which is all the
/// marker needs. A volume has no description: it is the operator's when it is attached to the operator's service.
/// </summary>
public static partial class OwnershipMarker
{
    private const string Prefix = "Managed by northflank-sandbox-operator";

    /// <summary>What the operator accepts as a cluster id: a slug short enough to leave the marker room in 200 characters.</summary>
    public const string ClusterIdPattern = "^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$";

    /// <summary>
    /// <c>Managed by northflank-sandbox-operator (cluster C, namespace N, uid U): Sandbox name</c>, cut to Northflank's
    /// 200 characters; the machine-read part comes first (at most 168 characters: a 40-character cluster id, a
    /// 63-character namespace, a 36-character uid), so the cut only ever shortens the name people read. The namespace
    /// lets an operator that watches some namespaces only tell its own orphans from another's live services.
    /// </summary>
    public static string Description(Sandbox sandbox, string clusterId)
    {
        var text = $"{Prefix} (cluster {clusterId}, namespace {sandbox.Metadata.NamespaceProperty}, uid {sandbox.Metadata.Uid}): Sandbox {sandbox.Metadata.Name}";
        return text.Length <= NorthflankRules.DescriptionMaxLength ? text : text[..NorthflankRules.DescriptionMaxLength].TrimEnd();
    }

    /// <summary>
    /// What a service released with deletionPolicy Orphan says instead of the marker: who let it go, in words no marker
    /// reader takes for a marker, so no orphan collection ever takes it for an orphan.
    /// </summary>
    public static string Released(Sandbox sandbox, string clusterId)
    {
        var text = $"Released by northflank-sandbox-operator (cluster {clusterId}, namespace {sandbox.Metadata.NamespaceProperty}): was Sandbox {sandbox.Metadata.Name}, deletion policy Orphan";
        return text.Length <= NorthflankRules.DescriptionMaxLength ? text : text[..NorthflankRules.DescriptionMaxLength].TrimEnd();
    }

    /// <summary>The cluster, namespace and Sandbox uid a description names, or null when it carries no marker.</summary>
    public static Owner? Read(string? description) =>
        description is not null && Marker().Match(description) is { Success: true } match
            ? new Owner(match.Groups["cluster"].Value, match.Groups["namespace"].Value, match.Groups["uid"].Value)
            : null;

    /// <summary>True when the description says this Sandbox (by uid) in this cluster created the service.</summary>
    public static bool IsOwnedBy(string? description, Sandbox sandbox, string clusterId) =>
        Read(description) is { } owner && owner.ClusterId == clusterId && owner.Uid == sandbox.Metadata.Uid;

    /// <summary>A volume is the operator's when it is attached to the (already verified) service of the Sandbox.</summary>
    public static bool IsAttachedTo(VolumeDetails volume, string serviceId) =>
        volume.AttachedObjects?.Any(o => o.Id == serviceId && o.Type == "service") == true;

    [GeneratedRegex(@"^Managed by northflank-sandbox-operator \(cluster (?<cluster>[a-z0-9-]+), namespace (?<namespace>[a-z0-9.-]+), uid (?<uid>[A-Za-z0-9-]+)\)")]
    private static partial Regex Marker();

    /// <summary>Who a marker says created a service.</summary>
    public sealed record Owner(string ClusterId, string Namespace, string Uid);
}
