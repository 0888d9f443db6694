using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

public static class Endpoints
{
    /// <summary>True when some public port of the spec has no URL among <paramref name="endpoints"/> yet.</summary>
    public static bool MissingUrl(SandboxSpec spec, IEnumerable<SandboxEndpoint>? endpoints) =>
        (spec.Ports ?? []).Any(p => p.Public && endpoints?.FirstOrDefault(e => e.Name == p.Name && e.Port == p.Port)?.Url is null);

    /// <summary>The spec's ports as Northflank exposes them: a public (HTTP or HTTP/2) port gets an https:// URL from its DNS name.</summary>
    public static List<SandboxEndpoint> From(SandboxSpec spec, IReadOnlyList<ServicePort>? ports) =>
        (spec.Ports ?? []).Select(p =>
        {
            var dns = ports?.FirstOrDefault(o => o.Name == p.Name && o.InternalPort == p.Port)?.Dns;
            var url = p.Public && !string.IsNullOrEmpty(dns) ? $"https://{dns}" : null;
            return new SandboxEndpoint { Name = p.Name, Port = p.Port, Protocol = p.Protocol, Public = p.Public, Url = url };
        }).ToList();
}
