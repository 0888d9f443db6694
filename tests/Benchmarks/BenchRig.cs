using System.Globalization;
using k8s;
using k8s.Models;
using NorthflankSimulator;
using TestInfra;

namespace Benchmarks;

/// <summary>
/// What every scenario starts the same way: the simulator, the credentials Secret and the operator, both time-compressed
/// alike, and the waits that show the operator's log when they time out.
/// </summary>
internal static class BenchRig
{
    internal const string SecretName = "northflank-credentials";

    /// <summary>The simulator with the scenario's deploy delays and a rate limit of <paramref name="requestsPerHour"/> per compressed hour.</summary>
    public static SimulatorOptions Simulator(BenchSettings settings, int requestsPerHour)
    {
        var options = new SimulatorOptions();
        options.Deployment.PendingDuration = settings.PendingDuration;
        options.Deployment.InProgressDuration = settings.InProgressDuration;
        options.RateLimit.Limit = requestsPerHour;
        options.RateLimit.Window = TimeSpan.FromHours(1);
        options.RateLimit.TimeScale = settings.TimeScale;
        return options;
    }

    /// <summary>The simulator's token, in the Secret the operator's flags name.</summary>
    public static Task CreateCredentialsAsync(IKubernetes kubernetes, string ns, CancellationToken ct) =>
        kubernetes.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = SecretName }, StringData = new Dictionary<string, string> { ["token"] = SimulatorOptions.DefaultDevelopmentToken } },
            ns,
            cancellationToken: ct);

    /// <summary>
    /// The operator as it would run against a token with <paramref name="requestsPerHour"/>, with every hour-scale interval
    /// divided by the time scale and its budget multiplied by it, so its share of the (compressed) window is unchanged.
    /// </summary>
    public static List<string> OperatorArguments(
        BenchSettings settings, LocalControlPlane controlPlane, SimulatorHost simulator, string ns, string observation, int requestsPerHour)
    {
        var s = settings.TimeScale;
        return
        [
            "--kubeconfig", controlPlane.AdminKubeconfigPath,
            "--northflank-url", simulator.BaseUrl.ToString(),
            "--default-project", SimulatorOptions.DefaultProjectId,
            "--credentials-secret", $"{ns}/{SecretName}",
            "--namespaces", ns,
            "--pod-namespace", ns,
            "--cluster-id", "bench",
            "--leader-election", "false",
            "--observation", observation,
            "--settled-poll-interval", BenchSettings.Format(settings.SettledPollInterval / s),
            "--drift-check-interval", BenchSettings.Format(settings.DriftCheckInterval / s),
            "--progress-poll-interval", BenchSettings.Format(settings.ProgressPollInterval),
            "--requests-per-hour", (requestsPerHour * s).ToString(CultureInfo.InvariantCulture),
            "--health-address", "http://127.0.0.1:0",
            .. settings.ExtraOperatorArguments,
        ];
    }

    /// <summary>Waits for <paramref name="condition"/>; a timeout carries the operator's last log lines.</summary>
    public static async Task UntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, string what, OperatorProcess operatorProcess, CancellationToken ct)
    {
        try
        {
            await Poll.UntilAsync(condition, timeout, what, ct);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n--- operator log tail ---\n{operatorProcess.LogTail(20)}", e);
        }
    }
}
