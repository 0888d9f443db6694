using System.Security.Cryptography.X509Certificates;
using SandboxOperator.Connect;

namespace UnitTests.Connect;

/// <summary>
/// The user headers count only behind the front proxy's certificate: it must chain to the request-header CA, carry
/// client-auth usage and have an allowed name; otherwise, whatever the headers say, the request has no user (401).
/// </summary>
public class RequestHeaderAuthenticationTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static readonly KeyValuePair<string, IReadOnlyList<string>>[] Alice =
    [
        new("x-remote-user", ["alice"]),
        new("X-Remote-Group", ["devs", "system:authenticated"]),
        new("X-Remote-Extra-Scopes", ["read"]),
        new("X-Remote-Extra-Acme.com%2fproject", ["p1", "p2"]),
    ];

    private X509Certificate2 ca = null!;
    private X509Certificate2 otherCa = null!;

    [OneTimeSetUp]
    public void MakeAuthorities()
    {
        ca = Authority("front-proxy-ca");
        otherCa = Authority("someone-else");
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        ca.Dispose();
        otherCa.Dispose();
    }

    [Test]
    public void The_proxys_certificate_makes_the_headers_count()
    {
        using var client = Issue(ca, "front-proxy-client");
        var user = RequestHeaderAuthenticator.Authenticate(Config(), client, Alice, Now);
        Assert.That(user, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(user!.Name, Is.EqualTo("alice"));
            Assert.That(user.Groups, Is.EqualTo(new[] { "devs", "system:authenticated" }));
            Assert.That(user.Extra["scopes"], Is.EqualTo(new[] { "read" }));
            Assert.That(user.Extra["acme.com/project"], Is.EqualTo(new[] { "p1", "p2" }));
        });
    }

    [Test]
    public void A_certificate_from_another_ca_is_no_proxy()
    {
        using var client = Issue(otherCa, "front-proxy-client");
        Assert.That(RequestHeaderAuthenticator.Authenticate(Config(), client, Alice, Now), Is.Null);
    }

    [Test]
    public void A_name_the_config_does_not_allow_is_no_proxy()
    {
        using var client = Issue(ca, "some-other-client");
        Assert.That(RequestHeaderAuthenticator.Authenticate(Config(), client, Alice, Now), Is.Null);
    }

    [Test]
    public void Without_allowed_names_any_name_from_the_ca_is_the_proxy()
    {
        using var client = Issue(ca, "some-other-client");
        Assert.That(RequestHeaderAuthenticator.Authenticate(Config() with { AllowedNames = [] }, client, Alice, Now)?.Name, Is.EqualTo("alice"));
    }

    [Test]
    public void A_certificate_without_client_auth_usage_is_no_proxy()
    {
        using var server = Issue(ca, "front-proxy-client", clientAuth: false);
        Assert.That(RequestHeaderAuthenticator.Authenticate(Config(), server, Alice, Now), Is.Null);
    }

    [Test]
    public void No_certificate_or_no_user_header_is_no_user()
    {
        using var client = Issue(ca, "front-proxy-client");
        Assert.Multiple(() =>
        {
            Assert.That(RequestHeaderAuthenticator.Authenticate(Config(), null, Alice, Now), Is.Null);
            Assert.That(RequestHeaderAuthenticator.Authenticate(Config(), client, [.. Alice.Skip(1)], Now), Is.Null);
            Assert.That(RequestHeaderAuthenticator.Authenticate(null, client, Alice, Now), Is.Null, "no request-header config read: nobody");
        });
    }

    [Test]
    public void The_config_is_read_from_the_configmap_as_the_api_server_writes_it()
    {
        var data = new Dictionary<string, string>
        {
            ["requestheader-client-ca-file"] = ca.ExportCertificatePem(),
            ["requestheader-allowed-names"] = "[\"front-proxy-client\"]",
            ["requestheader-username-headers"] = "[\"X-Remote-User\"]",
            ["requestheader-group-headers"] = "[\"X-Remote-Group\"]",
            ["requestheader-extra-headers-prefix"] = "[\"X-Remote-Extra-\"]",
        };
        var config = RequestHeaderConfig.FromConfigMap(data)!;
        Assert.Multiple(() =>
        {
            Assert.That(config.ClientCa.Single().Thumbprint, Is.EqualTo(ca.Thumbprint));
            Assert.That(config.AllowedNames, Is.EqualTo(new[] { "front-proxy-client" }));
            Assert.That(config.ExtraHeaderPrefixes, Is.EqualTo(new[] { "X-Remote-Extra-" }));
            Assert.That(RequestHeaderConfig.FromConfigMap(new Dictionary<string, string>()), Is.Null);
        });
    }

    [Test]
    public void The_review_asks_for_the_users_subresource_verb_in_the_namespace()
    {
        var user = new ConnectUser("alice", ["devs"], new Dictionary<string, IReadOnlyList<string>> { ["scopes"] = ["read"] });
        var exec = AccessReview.For(user, "team-a", "agent-1", ConnectApi.Exec).Spec;
        var log = AccessReview.For(user, "team-a", "agent-1", ConnectApi.Log).Spec.ResourceAttributes;
        Assert.Multiple(() =>
        {
            Assert.That((exec.User, exec.Groups.Single(), exec.Extra["scopes"].Single()), Is.EqualTo(("alice", "devs", "read")));
            var a = exec.ResourceAttributes;
            Assert.That((a.Group, a.Resource, a.Subresource, a.Verb, a.NamespaceProperty, a.Name),
                Is.EqualTo(("connect.sandbox.northflank.com", "sandboxes", "exec", "create", "team-a", "agent-1")));
            Assert.That((log.Subresource, log.Verb), Is.EqualTo(("log", "get")));
        });
    }

    private RequestHeaderConfig Config() =>
        new([ca], ["front-proxy-client"], ["X-Remote-User"], ["X-Remote-Group"], ["X-Remote-Extra-"]);

    private static X509Certificate2 Authority(string name) => Certificates.Authority(name);

    private static X509Certificate2 Issue(X509Certificate2 issuer, string name, bool clientAuth = true) => Certificates.Issue(issuer, name, clientAuth);
}
