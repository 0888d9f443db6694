using System.Security.Cryptography;
using System.Text;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Deterministic Northflank names. Northflank derives a service's id from its name, so a name
/// computed from the Sandbox's uid lets a restarted operator find the service it created before it could record
/// the id in status, and a repeated create answers 409 instead of making a second service. Names are slugs (lowercase
/// letters, digits, single dashes), so a name is its own id.
/// </summary>
public static class SandboxNaming
{
    private const int NamePartLength = 23;

    /// <summary>
    /// The service status records (created or adopted: once a Sandbox has a service, an annotation added later cannot
    /// move it to another, nor make it forget its own), else the one the annotation adopts, else <see cref="CreatedName"/>.
    /// </summary>
    public static string ServiceName(Sandbox sandbox) =>
        sandbox.Status?.ServiceId ?? Adoption.ServiceId(sandbox) ?? CreatedName(sandbox);

    /// <summary><c>sbx-&lt;name&gt;-&lt;hash of uid&gt;</c> (at most 36 characters): the name of a service the operator creates.</summary>
    public static string CreatedName(Sandbox sandbox)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SandboxKey.Of(sandbox))))[..8];
        var slug = Slug(sandbox.Metadata.Name ?? "sandbox", NamePartLength);
        return slug.Length == 0 ? $"sbx-{hash}" : $"sbx-{slug}-{hash}";
    }

    /// <summary>The volume's name: the service's name (at most 36 characters) plus <c>-v</c>.</summary>
    public static string VolumeName(Sandbox sandbox) => VolumeNameOf(ServiceName(sandbox));

    /// <summary>The volume's name for a service's name.</summary>
    public static string VolumeNameOf(string serviceName) => $"{Slug(serviceName, NorthflankRules.IdMaxLength - 2)}-v";

    private static string Slug(string value, int maxLength)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value.ToLowerInvariant())
        {
            var next = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-';
            if (next == '-' && (builder.Length == 0 || builder[^1] == '-'))
            {
                continue;
            }

            builder.Append(next);
        }

        var slug = builder.ToString();
        if (slug.Length > maxLength)
        {
            slug = slug[..maxLength];
        }

        return slug.Trim('-');
    }
}
