using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using TestInfra;

namespace IntegrationTests.ControlPlane;

/// <summary>
/// The smallest server behind the aggregation layer: it serves discovery of one group version with one namespaced
/// resource, <c>echoes</c>, whose GET answers with the user and groups the front proxy named in its headers. Like a
/// real aggregated server it trusts those headers only from a client certificate that the front-proxy CA signed for
/// an allowed name; any other client fails the TLS handshake.
/// </summary>
internal sealed class EchoApiServer : IAsyncDisposable
{
    public const string Resource = "echoes";

    private readonly WebApplication app;

    private EchoApiServer(WebApplication app, int port)
    {
        this.app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts it on <paramref name="address"/> (a free port) with <paramref name="servingCertificate"/>.</summary>
    public static async Task<EchoApiServer> StartAsync(
        IPAddress address, X509Certificate2 servingCertificate, X509Certificate2 frontProxyCa, string group, string version)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = servingCertificate;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            // Our own check replaces the machine's trust store: the front-proxy CA, and the allowed name.
            https.ClientCertificateValidation = (certificate, _, _) =>
                CertificateAuthority.ChainsTo(certificate, frontProxyCa) &&
                certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == LocalControlPlane.FrontProxyClientName;
        })));
        var app = builder.Build();
        var groupVersion = $"{group}/{version}";
        app.MapGet($"/apis/{groupVersion}", () => Results.Json(new
        {
            kind = "APIResourceList",
            apiVersion = "v1",
            groupVersion,
            resources = new[] { new { name = Resource, singularName = "echo", namespaced = true, kind = "Echo", verbs = new[] { "get" } } },
        }));
        app.MapGet($"/apis/{groupVersion}/namespaces/{{ns}}/{Resource}/{{name}}", (HttpContext context, string ns, string name) => Results.Json(new
        {
            apiVersion = groupVersion,
            kind = "Echo",
            metadata = new { name, @namespace = ns },
            user = context.Request.Headers[LocalControlPlane.RemoteUserHeader].ToString(),
            groups = context.Request.Headers[LocalControlPlane.RemoteGroupHeader].ToArray(),
            proxy = context.Connection.ClientCertificate?.GetNameInfo(X509NameType.SimpleName, forIssuer: false),
        }));
        await app.StartAsync();
        var port = new Uri(app.Urls.Single()).Port;
        return new EchoApiServer(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
