using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Sandboxes;

namespace UnitTests.Controllers.Sandboxes;

public class SandboxReferencesTests
{
    private static readonly SecretReference ConfigCredentials = new("platform", "northflank", "token");

    [Test]
    public void The_token_comes_from_the_sandboxs_own_secret_and_the_config_is_not_asked()
    {
        var sandbox = SandboxFactory.New(configure: s => s.CredentialsSecretRef = new SecretKeySelector { Name = "mine", Key = "api" });
        var asked = false;

        var credentials = SandboxReferences.Credentials(sandbox, () => { asked = true; return ConfigCredentials; });

        Assert.Multiple(() =>
        {
            Assert.That(credentials, Is.EqualTo(new SecretReference("team-a", "mine", "api")), "in the Sandbox's own namespace");
            Assert.That(asked, Is.False);
        });
    }

    [Test]
    public void Without_its_own_secret_the_token_comes_from_the_config()
    {
        Assert.That(SandboxReferences.Credentials(SandboxFactory.New(), () => ConfigCredentials), Is.EqualTo(ConfigCredentials));
    }

    [Test]
    public void Env_reads_secrets_and_config_maps_of_the_sandboxs_own_namespace_and_nothing_for_literals()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Env =
        [
            new SandboxEnvVar { Name = "PLAIN", Value = "x" },
            new SandboxEnvVar { Name = "KEY", ValueFrom = new EnvVarSource { SecretKeyRef = new KeySelector { Name = "keys", Key = "openai" } } },
            new SandboxEnvVar { Name = "MODE", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new KeySelector { Name = "settings", Key = "mode", Optional = true } } },
        ]);

        Assert.That(SandboxReferences.Env(sandbox), Is.EqualTo(new[]
        {
            new ObjectReference(SandboxReferences.Secret, "team-a", "keys", "openai", Optional: false),
            new ObjectReference(SandboxReferences.ConfigMap, "team-a", "settings", "mode", Optional: true),
        }));
    }
}
