using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace SandboxOperator.Connect;

/// <summary>Who the API server says is calling: its user name, groups and extra attributes (the SubjectAccessReview's subject).</summary>
public sealed record ConnectUser(string Name, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, IReadOnlyList<string>> Extra);

/// <summary>
/// The request-header settings of the cluster's front proxy, as the API server publishes them in
/// <c>kube-system/extension-apiserver-authentication</c>: the CA its proxy client certificate chains to, the names that
/// certificate may have (none listed: any), and the headers that carry the user.
/// </summary>
public sealed record RequestHeaderConfig(
    X509Certificate2Collection ClientCa,
    IReadOnlyList<string> AllowedNames,
    IReadOnlyList<string> UsernameHeaders,
    IReadOnlyList<string> GroupHeaders,
    IReadOnlyList<string> ExtraHeaderPrefixes)
{
    public const string ConfigMapNamespace = "kube-system";
    public const string ConfigMapName = "extension-apiserver-authentication";

    /// <summary>The ConfigMap's data; null when it holds no request-header CA (the aggregation layer is not set up).</summary>
    public static RequestHeaderConfig? FromConfigMap(IDictionary<string, string>? data)
    {
        if (data is null || !data.TryGetValue("requestheader-client-ca-file", out var pem) || string.IsNullOrWhiteSpace(pem))
        {
            return null;
        }

        var ca = new X509Certificate2Collection();
        ca.ImportFromPem(pem);
        return new RequestHeaderConfig(
            ca,
            List(data, "requestheader-allowed-names"),
            List(data, "requestheader-username-headers"),
            List(data, "requestheader-group-headers"),
            List(data, "requestheader-extra-headers-prefix"));
    }

    /// <summary>Each of these keys holds a JSON array of strings.</summary>
    private static string[] List(IDictionary<string, string> data, string key) =>
        data.TryGetValue(key, out var json) && !string.IsNullOrWhiteSpace(json)
            ? JsonSerializer.Deserialize<string[]>(json) ?? []
            : [];
}

/// <summary>
/// Authentication as an aggregated API server does it (metrics-server, KubeVirt's virt-api): the user headers are
/// believed only on a connection whose client certificate chains to the request-header CA, carries client-auth usage,
/// and (when names are listed) has one of the allowed common names. Anyone else could write <c>X-Remote-User:
/// system:admin</c>, so without that certificate nothing the request says about its user counts.
/// </summary>
public static class RequestHeaderAuthenticator
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>The user, or null (401) when the certificate or the user header is missing or not good enough.</summary>
    /// <param name="headers">The request's headers, each with all its values (names compare case-insensitively).</param>
    public static ConnectUser? Authenticate(
        RequestHeaderConfig? config, X509Certificate2? certificate, IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> headers, DateTimeOffset now)
    {
        if (config is null || certificate is null || !Trusted(config, certificate, now))
        {
            return null;
        }

        IEnumerable<string> Values(string name) =>
            headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value).Where(v => v.Length > 0);

        var user = config.UsernameHeaders.Select(h => Values(h).FirstOrDefault()).FirstOrDefault(v => v is not null);
        return user is null ? null : new ConnectUser(user, [.. config.GroupHeaders.SelectMany(Values)], Extra(config, headers));
    }

    /// <summary>
    /// The extra attributes from the headers with one of the prefixes: the rest of the header's name, lower-cased and
    /// URL-unescaped (the API server escapes it so), is the key.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<string>> Extra(RequestHeaderConfig config, IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> headers)
    {
        var extra = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (header, values) in headers)
        {
            var prefix = config.ExtraHeaderPrefixes.FirstOrDefault(p => p.Length > 0 && header.Length > p.Length && header.StartsWith(p, StringComparison.OrdinalIgnoreCase));
            if (prefix is null)
            {
                continue;
            }

            var key = Uri.UnescapeDataString(header[prefix.Length..].ToLowerInvariant());
            if (!extra.TryGetValue(key, out var list))
            {
                extra[key] = list = [];
            }

            list.AddRange(values);
        }

        return extra.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value, StringComparer.Ordinal);
    }

    private static bool Trusted(RequestHeaderConfig config, X509Certificate2 certificate, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(config.ClientCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (!chain.Build(certificate))
        {
            return false;
        }

        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return config.AllowedNames.Count == 0 || config.AllowedNames.Contains(commonName, StringComparer.Ordinal);
    }
}
