using System.Globalization;
using System.Text.RegularExpressions;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Reconciler;

/// <summary>
/// The checks the API server's schema cannot make on Kubernetes 1.20 (no CEL): cross-field rules, uniqueness,
/// and what may not change once created. Each problem names the field, so Synced=False says what to fix.
/// </summary>
public static partial class SpecValidator
{
    public static IReadOnlyList<string> Validate(Sandbox sandbox)
    {
        var spec = sandbox.Spec;
        var problems = new List<string>();

        if (string.IsNullOrWhiteSpace(spec.Image))
        {
            problems.Add("spec.image is required");
        }

        if (Adoption.Problem(sandbox) is { } adoption)
        {
            problems.Add(adoption);
        }

        ValidateEnv(spec, problems);
        ValidatePorts(spec, problems);
        ValidateLifecycle(spec, problems);

        var status = sandbox.Status;
        if (status?.VolumeId is not null && spec.Volume is null)
        {
            problems.Add($"spec.volume cannot be removed once volume {status.VolumeId} exists; delete the Sandbox instead");
        }

        return problems;
    }

    /// <summary>Parses a duration such as 90m, 1h30m, 1.5h or 2d.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var matches = DurationPart().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
        {
            return false;
        }

        foreach (Match match in matches)
        {
            var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            duration += match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }

        return duration > TimeSpan.Zero;
    }

    private static void ValidateEnv(SandboxSpec spec, List<string> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (env, i) in (spec.Env ?? []).Select((e, i) => (e, i)))
        {
            if (!seen.Add(env.Name))
            {
                problems.Add($"spec.env[{i}].name: duplicate variable {env.Name}");
            }

            var sources = (env.Value is null ? 0 : 1) + (env.ValueFrom is null ? 0 : 1);
            if (sources != 1)
            {
                problems.Add($"spec.env[{i}] ({env.Name}): set exactly one of value and valueFrom");
            }

            if (env.ValueFrom is { } from && (from.SecretKeyRef is null) == (from.ConfigMapKeyRef is null))
            {
                problems.Add($"spec.env[{i}].valueFrom ({env.Name}): set exactly one of secretKeyRef and configMapKeyRef");
            }
        }
    }

    private static void ValidatePorts(SandboxSpec spec, List<string> problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var numbers = new HashSet<int>();
        foreach (var (port, i) in (spec.Ports ?? []).Select((p, i) => (p, i)))
        {
            if (!names.Add(port.Name))
            {
                problems.Add($"spec.ports[{i}].name: duplicate port name {port.Name}");
            }

            if (!numbers.Add(port.Port))
            {
                problems.Add($"spec.ports[{i}].port: duplicate port number {port.Port}");
            }
        }
    }

    private static void ValidateLifecycle(SandboxSpec spec, List<string> problems)
    {
        if (spec.Lifecycle is not { } lifecycle)
        {
            return;
        }

        if (lifecycle.ShutdownAfter is not null && lifecycle.ShutdownTime is not null)
        {
            problems.Add("spec.lifecycle: set shutdownAfter or shutdownTime, not both");
        }

        if (lifecycle.ShutdownAfter is { } after && !TryParseDuration(after, out _))
        {
            problems.Add($"spec.lifecycle.shutdownAfter: '{after}' is not a duration such as 90m, 1h30m or 2d");
        }
    }

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(s|m|h|d)")]
    private static partial Regex DurationPart();
}
