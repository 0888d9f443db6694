using System.Security.Cryptography.X509Certificates;

namespace TestInfra;

/// <summary>
/// The API aggregation layer: kube-apiserver proxies the group of an APIService to a server behind a Service, as the
/// front proxy. It presents the proxy client certificate (signed by the front-proxy CA) and names the caller in
/// X-Remote-User / X-Remote-Group / X-Remote-Extra-* headers, which that server trusts only from a client certificate
/// the front-proxy CA signed with an allowed name. kube-apiserver publishes these settings itself in the ConfigMap
/// kube-system/extension-apiserver-authentication.
/// </summary>
public sealed partial class LocalControlPlane
{
    /// <summary>CN of the proxy client certificate, the only name in --requestheader-allowed-names.</summary>
    public const string FrontProxyClientName = "front-proxy-client";

    /// <summary>The headers kube-apiserver names the caller in when it proxies (its --requestheader-* flags).</summary>
    public const string RemoteUserHeader = "X-Remote-User";

    public const string RemoteGroupHeader = "X-Remote-Group";

    public const string RemoteExtraHeaderPrefix = "X-Remote-Extra-";

    private X509Certificate2? frontProxyCa;

    /// <summary>The front-proxy CA certificate (no key): verify the proxy's client certificate against it.</summary>
    public X509Certificate2 FrontProxyCa =>
        frontProxyCa ?? throw new InvalidOperationException("The control plane has not written its certificates yet.");

    /// <summary>PEM file of <see cref="FrontProxyCa"/> (kube-apiserver's --requestheader-client-ca-file).</summary>
    public string FrontProxyCaPath => Path.Combine(RootDirectory, "secrets", "front-proxy-ca.crt");

    /// <summary>
    /// PEM file with kube-apiserver's serving certificate and the self-signed CA it made for it in --cert-dir:
    /// what a client (an aggregated server's own kube client, say) trusts to verify <see cref="Server"/>.
    /// Exists once the control plane has started.
    /// </summary>
    public string ServingCertificatePath => Path.Combine(RootDirectory, "apiserver-certs", "apiserver.crt");

    /// <summary>
    /// Writes the front-proxy CA and the proxy client certificate and returns the kube-apiserver flags for the
    /// aggregation layer. The CA's key is not kept: nothing else needs to be signed by it.
    /// </summary>
    private IEnumerable<string> AggregationFlags(string secretsDirectory)
    {
        using var ca = CertificateAuthority.Create("nso-front-proxy-ca");
        File.WriteAllText(FrontProxyCaPath, ca.CertificatePem);
        frontProxyCa = X509CertificateLoader.LoadCertificate(ca.Certificate.RawData);

        var clientCertificatePath = Path.Combine(secretsDirectory, "front-proxy-client.crt");
        var clientKeyPath = Path.Combine(secretsDirectory, "front-proxy-client.key");
        using (var client = ca.IssueClientCertificate(FrontProxyClientName))
        {
            CertificateAuthority.WritePem(client, clientCertificatePath, clientKeyPath);
        }

        return
        [
            $"--requestheader-client-ca-file={FrontProxyCaPath}",
            $"--requestheader-allowed-names={FrontProxyClientName}",
            $"--requestheader-username-headers={RemoteUserHeader}",
            $"--requestheader-group-headers={RemoteGroupHeader}",
            $"--requestheader-extra-headers-prefix={RemoteExtraHeaderPrefix}",
            $"--proxy-client-cert-file={clientCertificatePath}",
            $"--proxy-client-key-file={clientKeyPath}",
            // No kube-proxy here, so a Service's ClusterIP leads nowhere: dial an address of its Endpoints instead.
            "--enable-aggregator-routing=true",
        ];
    }
}
