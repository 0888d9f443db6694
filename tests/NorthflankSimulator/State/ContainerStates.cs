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

        var template = Hash($"{service.ProjectId}/{service.Id}/{service.DeploymentCount}", 10);
        var created = service.Rollout.StartedAt.ToUnixTimeSeconds();
        var updated = status.LastTransitionTime.ToUnixTimeSeconds();
        return [.. Enumerable.Range(0, service.Instances)
            .Select(i => new ContainerState($"{service.Id}-{template}-{Hash($"{template}/{i}", 5)}", created, StatusOf(status.Phase), updated))
            .OrderBy(c => c.Name, StringComparer.Ordinal)];
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
