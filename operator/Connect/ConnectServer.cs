using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;
using SandboxOperator.Telemetry;

namespace SandboxOperator.Connect;

/// <summary>Where the connect API listens and with which serving certificate (PEM files, read again when they change).</summary>
public sealed record ConnectServerOptions(Uri Address, string CertFile, string KeyFile)
{
    /// <summary>The options of the flags; null when <c>--connect-address</c> is empty (the API is off).</summary>
    /// <exception cref="ArgumentException">An address that is not https://IP:port, or no certificate with it.</exception>
    public static ConnectServerOptions? From(string? address, string? certFile, string? keyFile)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }

        if (!Uri.TryCreate(address.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.IsDefaultPort && !address.Contains(":443", StringComparison.Ordinal))
        {
            throw new ArgumentException($"--connect-address '{address}' must be https://HOST:PORT, e.g. https://0.0.0.0:8443");
        }

        if (string.IsNullOrWhiteSpace(certFile) || string.IsNullOrWhiteSpace(keyFile))
        {
            throw new ArgumentException("--connect-address needs --connect-cert-file and --connect-key-file (the serving certificate the APIService trusts)");
        }

        return new ConnectServerOptions(uri, certFile, keyFile);
    }
}

/// <summary>
/// The connect API's own HTTPS server, next to the health server but apart from it: its own port, TLS, and a client
/// certificate asked for on every connection (the API server's proxy presents its request-header certificate; it is
/// checked per request against the CA of the moment, so a rotated CA needs no restart). Runs on every replica, leader or
/// not: a session only reads the cluster and talks to Northflank.
/// </summary>
public sealed class ConnectServer(ConnectServerOptions options, IServiceProvider services, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private WebApplication? app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // ASP.NET's own logs reach the operator's log at Warning and above only: at Information its hosting logs every
        // request's URL, and an exec's URL carries the command's arguments, which may hold secrets.
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggers));
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        var certificate = new CertificateFiles(options.CertFile, options.KeyFile);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(Endpoint(options.Address), listen => listen.UseHttps(https =>
        {
            https.ServerCertificateSelector = (_, _) => certificate.Current();
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.ClientCertificateValidation = (_, _, _) => true; // judged per request by RequestHeaderAuthenticator
        })));
        app = builder.Build();
        ConnectEndpoints.Map(app, services);
        await app.StartAsync(cancellationToken);
        loggers.CreateLogger<ConnectServer>().LogInformation("Connect API (sandboxes/exec, sandboxes/log) listening on {Address}", options.Address);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    private static IPEndPoint Endpoint(Uri address)
    {
        var host = address.Host.Trim('[', ']');
        var ip = host is "0.0.0.0" or "*" or "+" ? IPAddress.Any
            : host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed
            : throw new ArgumentException($"--connect-address host '{host}' must be an IP address");
        return new IPEndPoint(ip, address.Port);
    }

    /// <summary>The serving certificate from its PEM files, read again when either changes (cert-manager renews in place).</summary>
    private sealed class CertificateFiles(string certFile, string keyFile)
    {
        private readonly Lock gate = new();
        private X509Certificate2? current;
        private (DateTime Cert, DateTime Key) stamp;

        public X509Certificate2 Current()
        {
            lock (gate)
            {
                var now = (File.GetLastWriteTimeUtc(certFile), File.GetLastWriteTimeUtc(keyFile));
                if (current is null || now != stamp)
                {
                    current = X509Certificate2.CreateFromPemFile(certFile, keyFile);
                    stamp = now;
                }

                return current;
            }
        }
    }
}

/// <summary>Registers the connect API, when its address is set.</summary>
public static class ConnectSetup
{
    /// <param name="access">The operator's access flags, for configs read per session (<see cref="SessionConfigs"/>).</param>
    /// <param name="clusterConfigSelector">The ClusterNorthflankConfigs the operator serves (its label selector; empty: all).</param>
    public static IServiceCollection AddConnect(
        this IServiceCollection services, ConnectServerOptions? options, NorthflankClientOptions northflank, AccessOptions access, string? clusterConfigSelector)
    {
        if (options is null)
        {
            return services;
        }

        services.AddSingleton(options);
        services.AddSingleton<IRequestHeaderSource, RequestHeaderSource>();
        services.AddSingleton<IAccessReviewer, KubernetesAccessReviewer>();
        services.AddSingleton<ISandboxSource, KubernetesSandboxSource>();
        services.AddSingleton<IExecAudit, ExecAudit>();
        services.AddSingleton<ConnectMetrics>();
        services.AddSingleton(_ => new NorthflankStreams(northflank.Wire));
        services.AddSingleton<IConfigSource>(sp => new KubernetesConfigSource(sp.GetRequiredService<k8s.IKubernetes>(), clusterConfigSelector));
        services.AddSingleton(sp => new SandboxSessions(
            sp.GetRequiredService<ISandboxSource>(), sp.GetRequiredService<AccessResolver>(), sp.GetRequiredService<InputResolver>(),
            new SessionConfigs(sp.GetRequiredService<IConfigSource>(), access)));
        services.AddSingleton(sp =>
        {
            var factory = sp.GetRequiredService<INorthflankApiFactory>() as NorthflankApiFactory
                ?? throw new InvalidOperationException("the connect API charges sessions to the token budgets of the NorthflankApiFactory");
            return ActivatorUtilities.CreateInstance<ConnectService>(sp, (Func<NorthflankToken, RequestBudget>)factory.BudgetFor, northflank);
        });
        services.AddHostedService<ConnectServer>();
        return services;
    }
}

/// <summary>Hands the web host's categories to the operator's own logger factory (its sinks and format).</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory loggers) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => loggers.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}
