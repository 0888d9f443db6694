using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Authentication;
using k8s.Exceptions;

namespace KubectlSandbox.Kube;

/// <summary>
/// The API server as the user's kubeconfig reaches it, as kubectl does: <c>--kubeconfig</c>, else every file of
/// <c>KUBECONFIG</c> merged, else <c>~/.kube/config</c>; <c>--context</c> or the current context; <c>-n</c> or the
/// context's namespace or <c>default</c>. KubernetesClient's loader reads the file and runs exec credential plugins
/// (<c>users[].user.exec</c>: a token, refreshed by its ExecTokenProvider, or a client certificate); HTTP requests and
/// WebSocket upgrades share one handler that presents the client certificate, trusts the kubeconfig's CA and adds the
/// credentials to each request.
/// </summary>
internal sealed class KubeConnection : IDisposable
{
    private readonly HttpMessageHandler handler;

    private KubeConnection(Uri server, string @namespace, HttpMessageHandler handler)
    {
        (Server, Namespace, this.handler) = (server, @namespace, handler);
        Http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri Server { get; }

    public string Namespace { get; }

    /// <summary>Requests to the API server, authenticated; no timeout, as logs and watches stream.</summary>
    public HttpClient Http { get; }

    public static KubeConnection Open(Cli.Target target)
    {
        var config = Load(target);
        var sockets = new SocketsHttpHandler();
        if (config.SkipTlsVerify)
        {
            sockets.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (config.SslCaCerts is { Count: > 0 } authorities)
        {
            sockets.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                Kubernetes.CertificateValidationCallBack(sender, authorities, certificate, chain, errors);
        }

        if (config.ClientCertificateData is not null || config.ClientCertificateFilePath is not null)
        {
            sockets.SslOptions.ClientCertificates = [ClientCertificate(config)];
        }

        var handler = new Authenticating(Credentials(config)) { InnerHandler = sockets };
        var server = new Uri(config.Host.TrimEnd('/') + "/");
        return new KubeConnection(server, target.Namespace ?? config.Namespace ?? "default", handler);
    }

    /// <summary>The absolute URI of an API path (which starts with '/'), below any path prefix of the server URL.</summary>
    public Uri Url(string pathAndQuery) => new(Server, pathAndQuery.TrimStart('/'));

    /// <summary>
    /// A WebSocket to an API path, offering <paramref name="subprotocols"/> in order. A refused upgrade throws the
    /// server's Status as an <see cref="ApiError"/>.
    /// </summary>
    public async Task<ClientWebSocket> ConnectAsync(string pathAndQuery, IEnumerable<string> subprotocols, CancellationToken cancellationToken)
    {
        var builder = new UriBuilder(Url(pathAndQuery));
        builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? Uri.UriSchemeWss : Uri.UriSchemeWs;
        var socket = new ClientWebSocket();
        foreach (var subprotocol in subprotocols)
        {
            socket.Options.AddSubProtocol(subprotocol);
        }

        try
        {
            await socket.ConnectAsync(builder.Uri, new HttpMessageInvoker(handler, disposeHandler: false), cancellationToken);
            return socket;
        }
        catch (WebSocketException e)
        {
            socket.Dispose();
            throw FindApiError(e) ?? new ApiError(e.InnerException is { } cause ? $"{e.Message}: {cause.Message}" : e.Message);
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        handler.Dispose();
    }

    private static ApiError? FindApiError(Exception? e) => e is null ? null : e as ApiError ?? FindApiError(e.InnerException);

    private static KubernetesClientConfiguration Load(Cli.Target target)
    {
        var files = Kubeconfig.Files(target.Kubeconfig, Environment.GetEnvironmentVariable("KUBECONFIG"));
        try
        {
            var merged = Kubeconfig.Load(files);
            return KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, target.Context);
        }
        catch (KubeConfigException e)
        {
            throw new ApiError($"kubeconfig: {e.Message}");
        }
    }

    /// <summary>
    /// The client certificate and key from the kubeconfig (inline base64 PEM, or files) or from an exec plugin,
    /// round-tripped through PKCS#12 so every platform's TLS stack can use its key.
    /// </summary>
    private static X509Certificate2 ClientCertificate(KubernetesClientConfiguration config)
    {
        static string Pem(string? base64, string? file) =>
            base64 is not null ? Encoding.ASCII.GetString(Convert.FromBase64String(base64))
            : File.ReadAllText(file ?? throw new ApiError("kubeconfig: a client certificate without its key"));
        using var pem = X509Certificate2.CreateFromPem(
            Pem(config.ClientCertificateData, config.ClientCertificateFilePath), Pem(config.ClientCertificateKeyData, config.ClientKeyFilePath));
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static ServiceClientCredentials? Credentials(KubernetesClientConfiguration config) =>
        config.TokenProvider is { } provider ? new TokenCredentials(provider)
        : !string.IsNullOrEmpty(config.AccessToken) ? new TokenCredentials(config.AccessToken)
        : !string.IsNullOrEmpty(config.Username) ? new BasicAuthenticationCredentials { UserName = config.Username, Password = config.Password }
        : null;

    /// <summary>Adds the credentials to every request; turns a refused WebSocket upgrade into the server's Status.</summary>
    private sealed class Authenticating(ServiceClientCredentials? credentials) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (credentials is not null)
            {
                await credentials.ProcessHttpRequestAsync(request, cancellationToken);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (request.Headers.Contains("Sec-WebSocket-Key") && response.StatusCode != HttpStatusCode.SwitchingProtocols)
            {
                using (response)
                {
                    throw await ApiError.FromAsync(response, cancellationToken);
                }
            }

            return response;
        }
    }
}
