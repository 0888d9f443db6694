using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TestInfra;

/// <summary>
/// A throwaway certificate authority for tests: the front-proxy CA of <see cref="LocalControlPlane"/>, the CA an
/// APIService's caBundle names, and the client and serving certificates they sign. ECDSA P-256 keys (fast to make,
/// accepted by kube-apiserver's Go TLS stack), SHA-256, subject alternative names on every leaf (Go ignores the CN
/// of a serving certificate), valid from an hour ago (clock skew) for two days.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(2);

    private CertificateAuthority(X509Certificate2 certificate)
    {
        Certificate = certificate;
    }

    /// <summary>The CA certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate as PEM (a caBundle, or a --*-ca-file), without the key.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    public static CertificateAuthority Create(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var (notBefore, notAfter) = ValidityWindow();
        return new CertificateAuthority(request.CreateSelfSigned(notBefore, notAfter));
    }

    /// <summary>
    /// A client certificate (extended key usage clientAuth) for <paramref name="commonName"/>; Kubernetes reads the
    /// CN as the user name and each O as a group. The result carries its private key.
    /// </summary>
    public X509Certificate2 IssueClientCertificate(string commonName, params string[] organizations)
    {
        var subject = string.Join(", ", new[] { $"CN={commonName}" }.Concat(organizations.Select(o => $"O={o}")));
        return Issue(subject, X509KeyUsageFlags.DigitalSignature, new Oid("1.3.6.1.5.5.7.3.2"), san: null);
    }

    /// <summary>
    /// A serving certificate (extended key usage serverAuth) for <paramref name="dnsNames"/> and
    /// <paramref name="ipAddresses"/>; the first DNS name (else the first address) is also its CN. Carries its key.
    /// </summary>
    public X509Certificate2 IssueServingCertificate(IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> ipAddresses)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        foreach (var address in ipAddresses)
        {
            san.AddIpAddress(address);
        }

        var commonName = dnsNames.Count > 0 ? dnsNames[0] : ipAddresses[0].ToString();
        return Issue($"CN={commonName}", X509KeyUsageFlags.DigitalSignature, new Oid("1.3.6.1.5.5.7.3.1"), san.Build());
    }

    /// <summary>
    /// True if <paramref name="certificate"/> chains to <paramref name="authority"/> alone (not to the machine's trust
    /// store) and is valid now: what a server behind the aggregation layer checks of the front proxy's client
    /// certificate, with <see cref="LocalControlPlane.FrontProxyCa"/>.
    /// </summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>Writes <paramref name="certificate"/> and its private key as PEM files (the key readable by the owner only).</summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        using var key = certificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException("The certificate has no ECDSA private key.", nameof(certificate));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, string.Empty);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose() => Certificate.Dispose();

    private X509Certificate2 Issue(string subject, X509KeyUsageFlags usage, Oid extendedUsage, X509Extension? san)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([extendedUsage], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        // Positive, random serial: Go rejects negative ones.
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        // Within the CA's own window, which .NET requires of an issued certificate.
        var (notBefore, notAfter) = ValidityWindow();
        notBefore = Max(notBefore, Certificate.NotBefore.ToUniversalTime());
        notAfter = Min(notAfter, Certificate.NotAfter.ToUniversalTime());
        using var issued = request.Create(Certificate, notBefore, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static (DateTimeOffset NotBefore, DateTimeOffset NotAfter) ValidityWindow()
    {
        var now = DateTimeOffset.UtcNow;
        return (now.AddHours(-1), now + Validity);
    }
}
