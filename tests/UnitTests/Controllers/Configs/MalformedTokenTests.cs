using System.Text;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;
using UnitTests.Controllers.Sandboxes;

namespace UnitTests.Controllers.Configs;

/// <summary>
/// A token Secret whose value cannot be a header (a line break inside, a non-ASCII character) is refused before any
/// call, with a condition of its own that names the Secret, the key and what is wrong, and never the value: on the
/// Sandbox (Synced=False CredentialsInvalid) and on the config (Ready=False CredentialsInvalid).
/// </summary>
[TestFixture]
public sealed class MalformedTokenTests
{
    private const string LineOne = "nfapi-first-line-b81e2";
    private const string LineTwo = "nfapi-second-line-77c0a";

    private static readonly (string Value, string Problem)[] Malformed =
    [
        ($"{LineOne}\n{LineTwo}\n", "contains a line break (a token is one line; only whitespace around it is trimmed)"),
        ($"{LineOne}é{LineTwo}", "contains a non-ASCII character"),
    ];

    private static IEnumerable<TestCaseData> Cases() => Malformed.Select(m => new TestCaseData(m.Value, m.Problem).SetArgDisplayNames(m.Problem.Split(" (")[0]));

    [TestCaseSource(nameof(Cases))]
    public async Task A_sandbox_on_a_malformed_token_is_refused_before_any_call_as_credentials_invalid(string value, string problem)
    {
        var rig = new ReconcileRig();
        rig.Cluster.Token = value;
        var sandbox = SandboxFactory.New(configure: s => s.ProjectId = ReconcileRig.Project);

        var result = await rig.ReconcileAsync(sandbox);

        var status = rig.Cluster.Current(sandbox).Status!;
        var synced = Conditions.Find(status.Conditions, ConditionTypes.Synced)!;
        var ready = Conditions.Find(status.Conditions, ConditionTypes.Ready)!;
        var everything = string.Join("\n", status.Conditions!.Select(c => c.Message).Concat(rig.Cluster.Events.Select(e => e.Message)));
        Assert.Multiple(() =>
        {
            Assert.That((synced.Status, synced.Reason), Is.EqualTo(("False", SyncedReasons.CredentialsInvalid)));
            Assert.That(synced.Message, Is.EqualTo($"credentials Secret ops/northflank-credentials key token {problem}: it cannot be sent as a Northflank token"));
            Assert.That((ready.Status, ready.Reason), Is.EqualTo(("False", SyncedReasons.CredentialsInvalid)));
            Assert.That(rig.Cluster.Events.Select(e => (e.Warning, e.Reason)), Does.Contain((true, SyncedReasons.CredentialsInvalid)));
            Assert.That(rig.Northflank.Calls, Is.Empty, "nothing is sent on a token that cannot be one");
            Assert.That(result.Error, Is.Null, "not a failure to back off from hot: only a change of the Secret fixes it");
            Assert.That(result.RequeueAfter, Is.EqualTo(rig.Options.InvalidInputRetryInterval));
            Assert.That(everything, Does.Not.Contain(LineOne).And.Not.Contain(LineTwo));
        });
    }

    [Test]
    public async Task The_trailing_newline_of_a_secret_made_from_a_file_is_no_problem()
    {
        var rig = new ReconcileRig();
        rig.Cluster.Token += "\n";
        var sandbox = SandboxFactory.New(configure: s => s.ProjectId = ReconcileRig.Project);

        await rig.ReconcileAsync(sandbox);

        var synced = Conditions.Find(rig.Cluster.Current(sandbox).Status!.Conditions, ConditionTypes.Synced)!;
        Assert.That(synced.Reason, Is.EqualTo(SyncedReasons.Synced));
    }

    [TestCaseSource(nameof(Cases))]
    public async Task A_config_on_a_malformed_token_says_its_credentials_are_invalid_without_calling_northflank(string value, string problem)
    {
        var factory = new RecordingFactory();
        var checker = new ConfigChecker(factory, new OneSecret(value), new InMemoryConfigs(), new AccessResolver(new InMemoryConfigs(), new AccessOptions()), new FakeTimeProvider());
        var spec = new NorthflankConfigSpec { Projects = ["p"] };

        var (status, next) = await checker.CheckAsync(
            new ConfigKey(NorthflankConfig.EntityKind, "team-a", "mine"), spec, new SecretReference("team-a", "creds", "token"), null, 1, CancellationToken.None);

        var ready = status.Conditions!.Single();
        Assert.Multiple(() =>
        {
            Assert.That((ready.Status, ready.Reason), Is.EqualTo(("False", ConfigReasons.CredentialsInvalid)));
            Assert.That(ready.Message, Is.EqualTo($"Secret team-a/creds key token {problem}: it cannot be sent as a Northflank token"));
            Assert.That(ready.Message, Does.Not.Contain(LineOne).And.Not.Contain(LineTwo));
            Assert.That(factory.Asked, Is.Zero, "no client is made for a token that cannot be one");
            Assert.That(next, Is.EqualTo(TimeSpan.FromMinutes(1)));
        });
    }

    private sealed class OneSecret(string value) : IReferenceReader
    {
        public Task<V1Secret?> GetSecretAsync(string namespaceName, string name, CancellationToken ct) =>
            Task.FromResult<V1Secret?>(new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = namespaceName, ResourceVersion = "1" },
                Data = new Dictionary<string, byte[]> { ["token"] = Encoding.UTF8.GetBytes(value) },
            });

        public Task<V1ConfigMap?> GetConfigMapAsync(string namespaceName, string name, CancellationToken ct) => Task.FromResult<V1ConfigMap?>(null);
    }

    private sealed class RecordingFactory : INorthflankApiFactory
    {
        public int Asked { get; private set; }

        public INorthflankApi ForToken(NorthflankToken token)
        {
            Asked++;
            throw new AssertionException("no client should be asked for");
        }

        public TokenUse Use(string holder, NorthflankToken token) => throw new AssertionException("no client should be asked for");

        public void Release(string holder)
        {
        }
    }
}
