using System.Text.RegularExpressions;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Taking over an existing Northflank service with the <c>sandbox.northflank.com/external-name</c> annotation. The
/// annotation is a tenant's input: only a valid Northflank service id is ever used (anything else could turn a URL
/// into another path), only where the Sandbox's config allows adoption, and never for a service that carries another
/// Sandbox's or another cluster's ownership marker.
/// </summary>
public static partial class Adoption
{
    /// <summary>The service id the annotation names, or null when there is none or it is not a valid id.</summary>
    public static string? ServiceId(Sandbox sandbox) =>
        Annotation(sandbox) is { } id && IsValidId(id) ? id : null;

    /// <summary>What is wrong with the annotation, naming it; null when it is absent or valid.</summary>
    public static string? Problem(Sandbox sandbox) =>
        Annotation(sandbox) is { } id && !IsValidId(id)
            ? $"annotation {SandboxAnnotations.ExternalName}: '{Shorten(id)}' is not a Northflank service id ({NorthflankRules.IdMinLength} to {NorthflankRules.ServiceIdMaxLength} lowercase letters, digits and single dashes, starting with a letter)"
            : null;

    /// <summary>
    /// Whether deleting the Sandbox deletes its service: as spec.deletionPolicy says, else Delete for a service the
    /// operator created and Orphan for one it adopted (it existed before the Sandbox and may matter to someone), also
    /// once the annotation is gone.
    /// </summary>
    public static string DeletionPolicy(Sandbox sandbox) =>
        sandbox.Spec.DeletionPolicy ?? (SandboxNaming.ServiceName(sandbox) == SandboxNaming.CreatedName(sandbox) ? DeletionPolicies.Delete : DeletionPolicies.Orphan);

    /// <summary>
    /// What is wrong with an annotation that names another service than the one the Sandbox already has; null when it
    /// names none or that one. A Sandbox adopts only before it has a service: moving it would forget what it made.
    /// </summary>
    public static string? Conflict(Sandbox sandbox, RecordedService? recorded) =>
        ServiceId(sandbox) is { } named && recorded is { } own && own.ServiceId != named
            ? $"annotation {SandboxAnnotations.ExternalName} names service {named}, but this Sandbox already has service {own.ServiceId} in project {own.ProjectId}; a Sandbox adopts only before it has a service (remove the annotation, or adopt with a new Sandbox)"
            : null;

    /// <summary>
    /// Whether a service found under the adopted id may be taken: it carries no marker (a service made outside the
    /// operator), or this Sandbox's own (adopted before).
    /// </summary>
    public static bool MayTake(string? description, Sandbox sandbox, string clusterId) =>
        OwnershipMarker.Read(description) is null || OwnershipMarker.IsOwnedBy(description, sandbox, clusterId);

    private static string? Annotation(Sandbox sandbox) =>
        sandbox.Metadata.Annotations is { } annotations && annotations.TryGetValue(SandboxAnnotations.ExternalName, out var id) && id is not null
            ? id.Trim()
            : null;

    private static bool IsValidId(string id) =>
        id.Length is >= NorthflankRules.IdMinLength and <= NorthflankRules.ServiceIdMaxLength && IdPattern().IsMatch(id);

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "…";

    [GeneratedRegex(NorthflankRules.IdPattern)]
    private static partial Regex IdPattern();
}
