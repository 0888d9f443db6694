using System.Net;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Configs;

/// <summary>
/// Tries a config's token (one project list an hour) and says what it found in the config's status: Ready when the
/// token answers and sees every project the config allows, with the projects it sees and how many Sandboxes use it.
/// </summary>
public sealed class ConfigChecker(INorthflankApiFactory northflank, IReferenceReader references, ISandboxDirectory sandboxes, AccessResolver access, TimeProvider time)
{
    private static readonly TimeSpan Healthy = TimeSpan.FromHours(1);
    private static readonly TimeSpan Unhealthy = TimeSpan.FromMinutes(1);

    public async Task<(NorthflankConfigStatus Status, TimeSpan Next)> CheckAsync(
        ConfigKey key, NorthflankConfigSpec spec, SecretReference credentials, NorthflankConfigStatus? current, long? generation, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (verdict, visible) = await TryTokenAsync(spec, credentials, ct);
        var status = new NorthflankConfigStatus
        {
            ObservedGeneration = generation,
            Conditions = Conditions.With(current?.Conditions, ConditionTypes.Ready, verdict, generation, now),
            Projects = visible ?? current?.Projects,
            Sandboxes = sandboxes.All().Count(s => s.Metadata.DeletionTimestamp is null && access.KeyOf(s) == key),
            LastChecked = now,
        };
        return (status, verdict.IsTrue ? Healthy : Unhealthy);
    }

    private async Task<(ConditionVerdict Verdict, List<string>? Visible)> TryTokenAsync(NorthflankConfigSpec spec, SecretReference credentials, CancellationToken ct)
    {
        var secret = await references.GetSecretAsync(credentials.Namespace, credentials.Name, ct);
        var value = secret is null ? null : SecretValues.Read(secret, credentials.Key);
        if (string.IsNullOrWhiteSpace(value))
        {
            return (ConditionVerdict.False(ConfigReasons.CredentialsNotFound, $"Secret {credentials} has no non-empty key {credentials.Key}"), null);
        }

        // What is wrong with the value, never the value, and before any call: a value that cannot be a header would
        // otherwise fail in the HTTP layer, whose messages quote it.
        if (NorthflankToken.ProblemWith(value) is { } problem)
        {
            return (ConditionVerdict.False(ConfigReasons.CredentialsInvalid, $"Secret {credentials} key {credentials.Key} {problem}: it cannot be sent as a Northflank token"), null);
        }

        try
        {
            var seen = await northflank.ForToken(new NorthflankToken(value)).ListProjectsAsync(RequestPriority.Background, ct);
            var visible = spec.Projects.Where(p => seen.Contains(p, StringComparer.Ordinal)).ToList();
            var missing = spec.Projects.Except(visible, StringComparer.Ordinal).ToList();
            return missing.Count == 0
                ? (ConditionVerdict.True(ConfigReasons.Available, $"the token sees all {visible.Count} allowed projects"), visible)
                : (ConditionVerdict.False(ConfigReasons.ProjectsNotVisible, $"the token does not see {string.Join(", ", missing)}"), visible);
        }
        catch (NorthflankApiException e) when (e.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return (ConditionVerdict.False(ConfigReasons.Unauthorized, $"Northflank refused the token ({(int)e.Status!})"), null);
        }
        catch (NorthflankApiException e)
        {
            return (ConditionVerdict.False(ConfigReasons.NorthflankUnavailable, $"Northflank did not answer as expected ({(e.Status is { } s ? (int)s : 0)}): {e.Message}"), null);
        }
    }
}
