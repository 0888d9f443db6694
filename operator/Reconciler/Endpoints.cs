using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank;

namespace SandboxOperator.Reconciler;

public static class Endpoints
{
    /// <summary>True when some public port still lacks the DNS name Northflank gives it.</summary>
    public static bool NeedsDns(IReadOnlyList<ServicePort>? ports, SandboxSpec spec) =>
        (spec.Ports ?? []).Any(p => p.Public) && (ports is null || ports.Any(p => p.Public && string.IsNullOrEmpty(p.Dns)));

    /// <summary>The spec's ports as Northflank exposes them: https:// for public HTTP, host:port for public TCP and UDP.</summary>
    public static List<SandboxEndpoint> From(SandboxSpec spec, IReadOnlyList<ServicePort>? ports) =>
        (spec.Ports ?? []).Select(p =>
        {
            var dns = ports?.FirstOrDefault(o => o.Name == p.Name)?.Dns;
            var url = !p.Public || string.IsNullOrEmpty(dns) ? null
                : p.Protocol is PortProtocols.Http or PortProtocols.Http2 ? $"https://{dns}"
                : $"{dns}:{p.Port}";
            return new SandboxEndpoint { Name = p.Name, Port = p.Port, Protocol = p.Protocol, Public = p.Public, Url = url };
        }).ToList();
}
