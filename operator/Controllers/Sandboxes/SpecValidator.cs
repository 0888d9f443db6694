using System.Globalization;
using System.Text.RegularExpressions;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Sandboxes;

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

        if (string.IsNullOrWhiteSpace(spec.Image) && spec.TemplateRef is null)
        {
            problems.Add("spec.image is required (or spec.templateRef naming a SandboxTemplate that sets it)");
        }

        if (Adoption.Problem(sandbox) is { } adoption)
        {
            problems.Add(adoption);
        }

        ValidateEnv(spec, problems);
        ValidatePorts(spec, problems);
        ValidateLifecycle(spec, problems);
        if (spec.Volume is { AccessMode: VolumeAccessModes.ReadWriteMany } volume && volume.StorageClass != NorthflankRules.MultiReadWriteStorageClass)
        {
            problems.Add($"spec.volume.accessMode: ReadWriteMany is not generally available on Northflank and needs spec.volume.storageClass {NorthflankRules.MultiReadWriteStorageClass} (it is {volume.StorageClass ?? "unset"})");
        }

        var status = sandbox.Status;
        if (status?.VolumeId is not null && spec.Volume is null)
        {
            problems.Add($"spec.volume cannot be removed once volume {status.VolumeId} exists; delete the Sandbox instead");
        }

        return problems;
    }

    /// <summary>The longest shutdownAfter: a year (and a day) is long enough for a sandbox, and keeps every time computable.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);

    /// <summary>Parses a duration such as 90m, 1h30m, 1.5h or 2d; false for anything else, however large, never an exception.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var matches = DurationPart().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
        {
            return false;
        }

        var seconds = 0.0;
        foreach (Match match in matches)
        {
            var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            seconds += amount * match.Groups[2].Value switch
            {
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                _ => 86400,
            };
        }

        if (!(seconds > 0) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
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

        if (lifecycle.ShutdownAfter is { } after)
        {
            if (!TryParseDuration(after, out var duration))
            {
                problems.Add($"spec.lifecycle.shutdownAfter: '{after}' is not a duration such as 90m, 1h30m or 2d");
            }
            else if (duration > MaxLifetime)
            {
                problems.Add($"spec.lifecycle.shutdownAfter: '{after}' is longer than {MaxLifetime.TotalDays:0} days; leave lifecycle out for a Sandbox that lives on");
            }
        }

        if (lifecycle.ShutdownTime is { } time && (time.Year < 2000 || time.Year > 9000))
        {
            problems.Add($"spec.lifecycle.shutdownTime: {time:O} is not a time a Sandbox could end at");
        }
    }

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(s|m|h|d)")]
    private static partial Regex DurationPart();
}
