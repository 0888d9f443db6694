using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;
using UnitTests.Controllers.Claims;

namespace UnitTests.Controllers.Configs;

/// <summary>A config's status is written through the common status writer, and not again when a check finds it the same.</summary>
[TestFixture]
public sealed class ConfigStatusWriteTests
{
    [Test]
    public async Task A_check_that_finds_the_same_status_writes_nothing_and_one_later_writes_again()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var checker = new ConfigChecker(null!, new NoSecrets(), new InMemoryConfigs(), new AccessResolver(new InMemoryConfigs(), new AccessOptions()), time);
        var writer = new RecordingWriter<NorthflankConfig, NorthflankConfigStatus>();
        var config = new NorthflankConfig
        {
            Metadata = new V1ObjectMeta { Name = "mine", NamespaceProperty = "team-a", Generation = 1 },
            Spec = new NamespacedNorthflankConfigSpec { Projects = ["p"] },
        };

        async Task CheckAsync()
        {
            var (status, _) = await checker.CheckAsync(
                new ConfigKey(NorthflankConfig.EntityKind, "team-a", "mine"), config.Spec, new SecretReference("team-a", "creds", "token"), config.Status, 1, CancellationToken.None);
            await ConfigStatusOf.KeepAsync(writer, config, config.Status, status, CancellationToken.None);
            config.Status = writer.Statuses.LastOrDefault();
        }

        await CheckAsync();
        await CheckAsync();
        Assert.That(writer.Statuses, Has.Count.EqualTo(1), "the same status is not written again");

        time.Advance(TimeSpan.FromMinutes(1));
        await CheckAsync();
        Assert.That(writer.Statuses.Select(s => s.LastChecked), Is.EqualTo(new DateTimeOffset?[] { time.GetUtcNow() - TimeSpan.FromMinutes(1), time.GetUtcNow() }));
    }

    /// <summary>No Secret anywhere: the check says so without asking Northflank.</summary>
    private sealed class NoSecrets : IReferenceReader
    {
        public Task<V1Secret?> GetSecretAsync(string namespaceName, string name, CancellationToken ct) => Task.FromResult<V1Secret?>(null);

        public Task<V1ConfigMap?> GetConfigMapAsync(string namespaceName, string name, CancellationToken ct) => Task.FromResult<V1ConfigMap?>(null);
    }
}
