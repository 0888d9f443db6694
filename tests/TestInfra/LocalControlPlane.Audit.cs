using System.Text.Json;

namespace TestInfra;

/// <summary>The optional audit log of kube-apiserver (<see cref="LocalControlPlaneOptions.AuditedWrites"/>).</summary>
public sealed partial class LocalControlPlane
{
    private static readonly string[] AuditedVerbs = ["create", "update", "patch", "delete", "deletecollection"];

    /// <summary>The audit log (JSON lines), or null when <see cref="LocalControlPlaneOptions.AuditedWrites"/> is empty.</summary>
    public string? AuditLogPath => options.AuditedWrites.Count == 0 ? null : LogPath("kube-apiserver-audit");

    /// <summary>Every audited write so far, in the order the API server finished them.</summary>
    public IReadOnlyList<AuditEvent> ReadAuditLog() =>
        AuditLog.Read(AuditLogPath ?? throw new InvalidOperationException("The audit log is off: set LocalControlPlaneOptions.AuditedWrites."));

    /// <summary>The kube-apiserver flags for the audit log, writing its policy file; none when auditing is off.</summary>
    private IEnumerable<string> AuditFlags(string secretsDirectory)
    {
        if (AuditLogPath is not { } logPath)
        {
            return [];
        }

        // Metadata level for writes of the chosen resources, nothing else: a few hundred bytes per write, no bodies
        // (so no Secret values), and reads, watches and other resources cost nothing. JSON is valid YAML.
        var policy = new
        {
            apiVersion = "audit.k8s.io/v1",
            kind = "Policy",
            omitStages = new[] { "RequestReceived" },
            rules = new object[]
            {
                new
                {
                    level = "Metadata",
                    verbs = AuditedVerbs,
                    resources = options.AuditedWrites.Select(r => new { group = r.Group, resources = r.Resources }).ToArray(),
                },
                new { level = "None" },
            },
        };
        var policyPath = Path.Combine(secretsDirectory, "audit-policy.json");
        File.WriteAllText(policyPath, JsonSerializer.Serialize(policy));
        return
        [
            $"--audit-policy-file={policyPath}",
            $"--audit-log-path={logPath}",
            "--audit-log-format=json",
            // Each event is written by the request that caused it, right after its response, not batched for later.
            "--audit-log-mode=blocking",
        ];
    }
}
