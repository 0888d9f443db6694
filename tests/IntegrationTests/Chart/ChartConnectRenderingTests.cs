using System.Security.Cryptography.X509Certificates;
using YamlDotNet.RepresentationModel;

namespace IntegrationTests.Chart;

/// <summary>What the chart renders for sandboxes/exec and sandboxes/log (templates/connect.yaml), checked offline.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ChartConnectRenderingTests
{
    [Test]
    public async Task By_default_the_api_service_trusts_the_ca_that_signed_the_operator_s_serving_certificate()
    {
        var docs = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops"));
        var apiService = docs.Single("APIService");
        var secret = docs.Single("Secret", "nso-northflank-sandbox-operator-connect-tls");
        var ca = X509Certificate2.CreateFromPem(Pem(secret, "ca.crt"));
        var serving = X509Certificate2.CreateFromPem(Pem(secret, "tls.crt"));

        Assert.Multiple(() =>
        {
            Assert.That(apiService.Name(), Is.EqualTo("v1alpha1.connect.sandbox.northflank.com"));
            Assert.That(apiService.Map("spec").Scalar("caBundle"), Is.EqualTo(secret.Map("data").Scalar("ca.crt")));
            Assert.That(apiService.Map("spec").Map("service").Scalar("name"), Is.EqualTo("nso-northflank-sandbox-operator-connect"));
            Assert.That(serving.Issuer, Is.EqualTo(ca.Subject), "signed by the CA the APIService trusts");
            Assert.That(serving.GetNameInfo(X509NameType.DnsName, false), Does.StartWith("nso-northflank-sandbox-operator-connect"));
            Assert.That(serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames(),
                Does.Contain("nso-northflank-sandbox-operator-connect.ops.svc"), "the name the API server dials");
            var args = docs.OperatorArgs();
            Assert.That(args, Does.Contain("--connect-address=https://0.0.0.0:8443"));
            Assert.That(args, Does.Contain("--connect-cert-file=/etc/connect-tls/tls.crt"));
        });
    }

    [Test]
    public async Task With_cert_manager_it_asks_for_a_certificate_and_injection_and_holds_no_key()
    {
        var docs = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops", "--set", "connect.certManager.enabled=true"));

        Assert.Multiple(() =>
        {
            Assert.That(docs.Select(d => d.Kind()), Does.Contain("Certificate").And.Contain("Issuer"));
            Assert.That(docs.Where(d => d.Kind() == "Secret").Select(d => d.Name()), Has.None.EndsWith("-connect-tls"));
            var apiService = docs.Single("APIService");
            Assert.That(apiService.Map("metadata").Map("annotations").Scalar("cert-manager.io/inject-ca-from"), Is.EqualTo("ops/nso-northflank-sandbox-operator-connect"));
            Assert.That(apiService.Map("spec").Has("caBundle"), Is.False);
        });
    }

    [Test]
    public async Task Disabled_renders_no_api_service_no_flags_and_no_tenant_rights_to_exec()
    {
        var docs = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops", "--set", "connect.enabled=false"));
        var yaml = ChartHelm.ToYaml(docs);

        Assert.Multiple(() =>
        {
            Assert.That(docs.Select(d => d.Kind()), Has.None.EqualTo("APIService"));
            Assert.That(docs.OperatorArgs(), Has.None.StartsWith("--connect"));
            Assert.That(yaml, Does.Not.Contain("connect.sandbox.northflank.com"));
        });
    }

    private static string Pem(YamlMappingNode secret, string key) =>
        System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(secret.Map("data").Scalar(key)));
}
