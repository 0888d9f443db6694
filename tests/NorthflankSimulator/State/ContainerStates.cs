using System.Security.Cryptography;
using System.Text;

namespace NorthflankSimulator.State;

/// <summary>One entry of list-service-containers.md; times are unix seconds, as the reference types them.</summary>
internal sealed record ContainerState(string Name, long CreatedAt, string Status, long UpdatedAt);

/// <summary>
/// The containers of a service, one per running instance, all in the state of the current deployment (a choice:
/// PENDING is TASK_STAGING, IN_PROGRESS TASK_STARTING, COMPLETED TASK_RUNNING, FAILED TASK_FAILED; a paused
/// service has none). Names look like Kubernetes pod names and are derived, not drawn, so they are stable per
/// deployment without consuming the seeded random source.
/// </summary>
internal static class ContainerStates
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string StatusOf(DeploymentPhase phase) => phase switch
    {
        DeploymentPhase.Pending => "TASK_STAGING",
        DeploymentPhase.InProgress => "TASK_STARTING",
        DeploymentPhase.Completed => "TASK_RUNNING",
        _ => "TASK_FAILED",
    };

    /// <summary>Ordered by name, as the list is paginated by name.</summary>
    public static List<ContainerState> Of(ServiceRecord service, DeploymentStatus status)
    {
        if (service.Paused || service.Instances == 0)
        {
            return [];
        }

        var created = service.Rollout.StartedAt.ToUnixTimeSeconds();
        var updated = status.LastTransitionTime.ToUnixTimeSeconds();
        return [.. Names(service, service.DeploymentCount, service.Instances)
            .Select(name => new ContainerState(name, created, StatusOf(status.Phase), updated))];
    }

    /// <summary>The container names of one deployment (by number) with that many instances, ordered by name.</summary>
    public static List<string> Names(ServiceRecord service, int deploymentNumber, int instances)
    {
        var template = Hash($"{service.ProjectId}/{service.Id}/{deploymentNumber}", 10);
        return [.. Enumerable.Range(0, instances)
            .Select(i => $"{service.Id}-{template}-{Hash($"{template}/{i}", 5)}")
            .Order(StringComparer.Ordinal)];
    }

    private static string Hash(string text, int length)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return string.Create(length, bytes, (chars, hash) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[hash[i] % Alphabet.Length];
            }
        });
    }
}
