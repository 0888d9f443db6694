using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Every config Sandboxes were lately connected through, per (token, project): not only the last one, because tenants
/// may share a token and a project, and an orphan is judged only by the configs that serve the namespace its marker
/// names (<see cref="NorthflankAccess.Serves"/>), never by another tenant's config that merely shares them. The marker
/// does not say which config created a service, so "a config on that token and project that serves that namespace"
/// is as close as the collector can tell. A config is dropped once no Sandbox has been connected through it for a
/// while (its Sandboxes are gone or use another config), so the map does not grow forever. Thread-safe: reconciles
/// track while listings are judged.
/// </summary>
public sealed class OrphanJudges
{
    private readonly Lock gate = new();
    private readonly Dictionary<(string Token, string Project), Dictionary<ConfigKey, OrphanJudge>> byProject = [];

    /// <summary>A Sandbox was connected through this config to this project: the config is kept (and refreshed).</summary>
    public void Track(OrphanJudge judge, string projectId)
    {
        lock (gate)
        {
            var key = (judge.Token.Fingerprint, projectId);
            if (!byProject.TryGetValue(key, out var configs))
            {
                byProject[key] = configs = [];
            }

            // One entry per config: the newest access carries the config's current policy and namespaces.
            configs[judge.Access.Config] = judge;
        }
    }

    /// <summary>True when some config reaches that token and project (the collector lists and judges only those).</summary>
    public bool Reach(string tokenFingerprint, string projectId)
    {
        lock (gate)
        {
            return byProject.ContainsKey((tokenFingerprint, projectId));
        }
    }

    /// <summary>The configs on that token and project that serve the namespace: the only ones that may judge its orphans.</summary>
    public IReadOnlyList<OrphanJudge> Serving(string tokenFingerprint, string projectId, string ns)
    {
        lock (gate)
        {
            return byProject.TryGetValue((tokenFingerprint, projectId), out var configs)
                ? [.. configs.Values.Where(j => j.Access.Serves(ns)).OrderBy(j => j.Access.Config.ToString(), StringComparer.Ordinal)]
                : [];
        }
    }

    /// <summary>Each project tracked, with the config last tracked on it (whose token and client list it).</summary>
    public IReadOnlyList<(string Project, OrphanJudge Newest)> Projects()
    {
        lock (gate)
        {
            return [.. byProject.Select(p => (p.Key.Project, p.Value.Values.MaxBy(j => j.TrackedAt)!))];
        }
    }

    /// <summary>Drops the configs not tracked since then; returns the (token, project)s no config reaches any more.</summary>
    public IReadOnlyList<(string Token, string Project)> ForgetUntrackedSince(DateTimeOffset since)
    {
        lock (gate)
        {
            var unreached = new List<(string, string)>();
            foreach (var (key, configs) in byProject)
            {
                foreach (var config in configs.Where(c => c.Value.TrackedAt < since).Select(c => c.Key).ToList())
                {
                    configs.Remove(config);
                }

                if (configs.Count == 0)
                {
                    unreached.Add(key);
                }
            }

            foreach (var key in unreached)
            {
                byProject.Remove(key);
            }

            return unreached;
        }
    }
}

/// <summary>A config as a Sandbox was last connected through it: its policy, token and client, and when.</summary>
public sealed record OrphanJudge(NorthflankAccess Access, NorthflankToken Token, INorthflankApi Api, DateTimeOffset TrackedAt)
{
    public ConfigKey Config => Access.Config;

    public bool SaysDelete => Access.OrphanPolicy == OrphanPolicies.Delete;
}
