using System.CommandLine;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;

namespace SandboxOperator.Hosting;

/// <summary>
/// The operator's command line, declared once with System.CommandLine: each flag sets a key of the configuration (the
/// "Operator" section, or <c>urls</c>), and <c>--help</c> is written from the same declarations, so it cannot drift from
/// the flags (a test keeps the flag table of docs/configuration.md equal to them too).
/// </summary>
public static class CommandLine
{
    /// <summary>Where /healthz, /readyz and /metrics are served when <c>--health-address</c> is not given.</summary>
    public const string DefaultHealthAddress = "http://0.0.0.0:8080";

    public static readonly IReadOnlyList<Flag> Flags =
    [
        new Flag<string>("--default-config", "NAME", "Operator:DefaultConfig", "ClusterNorthflankConfig for Sandboxes that name no config") { DefaultText = "the implicit config the next flags make" },
        new Flag<string>("--cluster-config-selector", "SEL", "Operator:ClusterConfigSelector", "label selector of the ClusterNorthflankConfigs this operator serves") { DefaultText = "all" },
        new Flag<string>("--default-project", "ID", "Operator:DefaultProjectId", "project for Sandboxes that name none (implicit config)"),
        new Flag<string>("--allowed-projects", "A,B", "Operator:AllowedProjects", "further projects Sandboxes may name (implicit config)"),
        new Flag<bool>("--allow-adoption", "true|false", "Operator:AllowAdoption", "Sandboxes may adopt services by annotation (implicit config)") { DefaultOf = o => o.AllowAdoption },
        new Flag<string>("--orphan-policy", "Report|Delete", "Operator:OrphanPolicy", "services of this cluster whose Sandbox is gone (implicit config)")
        {
            DefaultOf = o => o.OrphanPolicy,
            Choices = [OrphanPolicies.Report, OrphanPolicies.Delete],
        },
        new Flag<TimeSpan>("--orphan-grace-period", "T", "Operator:OrphanGracePeriod", "how long such a service is left before Delete deletes it") { DefaultOf = o => o.OrphanGracePeriod },
        new Flag<string>("--credentials-secret", "[NS/]NAME", "Operator:CredentialsSecret", "Secret holding the Northflank API token, in the operator's namespace unless NS/ says (implicit config)") { DefaultOf = o => o.CredentialsSecret },
        new Flag<string>("--credentials-secret-key", "KEY", "Operator:CredentialsSecretKey", "key in that Secret") { DefaultOf = o => o.CredentialsSecretKey },
        new Flag<string>("--cluster-id", "ID", "Operator:ClusterId", "names this cluster in the ownership marker of every service") { DefaultOf = o => o.ClusterId },
        new Flag<string>("--namespaces", "A,B", "Operator:Namespaces", "namespaces to watch") { DefaultText = "all" },
        new Flag<int>("--workers", "N", "Operator:Workers", "concurrent Sandbox reconciles") { DefaultOf = o => o.Workers },
        new Flag<TimeSpan>("--progress-poll-interval", "T", "Operator:ProgressPollInterval", "look at projects with changing services this often") { DefaultOf = o => o.ProgressPollInterval },
        new Flag<double>("--observation-calls-per-second", "R", "Operator:ObservationCallsPerSecond", "the most calls a second those looks spend per token; a look costing more leaves its project longer") { DefaultOf = o => o.ObservationCallsPerSecond },
        new Flag<TimeSpan>("--settled-poll-interval", "T", "Operator:SettledPollInterval", "look at settled sandboxes this often, via the shared list") { DefaultOf = o => o.SettledPollInterval },
        new Flag<TimeSpan>("--drift-check-interval", "T", "Operator:DriftCheckInterval", "read each settled sandbox's service whole and repair drift") { DefaultOf = o => o.DriftCheckInterval },
        new Flag<ObservationMode>("--observation", "batched|naive", "Operator:Observation", "shared service lists, or a GET per look every 30 s (naive, for comparison)") { DefaultOf = o => o.Observation },
        new Flag<TimeSpan>("--invalid-input-retry-interval", "T", "Operator:InvalidInputRetryInterval", "retry problems only a change can fix this slowly") { DefaultOf = o => o.InvalidInputRetryInterval },
        new Flag<bool>("--leader-election", "true|false", "Operator:LeaderElection", "elect a leader through a Lease") { DefaultOf = o => o.LeaderElection },
        new Flag<string>("--lease-namespace", "NS", "Operator:LeaseNamespace", "namespace of the Lease") { DefaultText = "the operator's" },
        new Flag<string>("--pod-namespace", "NS", "Operator:PodNamespace", "the operator's namespace, outside a cluster"),
        new Flag<string>("--kubeconfig", "PATH", "Operator:Kubeconfig", "kubeconfig outside a cluster") { DefaultText = "in-cluster, else ~/.kube/config" },
        new Flag<Uri>("--northflank-url", "URL", "Operator:Northflank:BaseUrl", "Northflank API") { DefaultOf = o => o.Northflank.BaseUrl },
        new Flag<int>("--requests-per-hour", "N", "Operator:Northflank:RequestsPerHour", "the token's Northflank rate limit") { DefaultOf = o => o.Northflank.RequestsPerHour },
        new Flag<TimeSpan>("--request-timeout", "T", "Operator:Northflank:RequestTimeout", "per Northflank request") { DefaultOf = o => o.Northflank.RequestTimeout },
        new Flag<string>("--health-address", "URL", "urls", "where /healthz, /readyz and /metrics are served") { DefaultText = DefaultHealthAddress },
    ];

    private const string Description =
        "Runs the operator: Northflank services for the Sandbox resources of a Kubernetes cluster. Each flag is also an " +
        "environment variable Operator__<Name> (e.g. Operator__DefaultProjectId), and any configuration key, with or " +
        "without a flag, can be set as --Section:Key VALUE (e.g. --Logging:LogLevel:SandboxOperator Debug).";

    /// <summary>
    /// The command line: running the operator with its flags, <c>crds [DIR]</c>, and <c>--help</c>. The caller gives
    /// what running and writing the CRDs do, so tests parse the same declaration the program runs.
    /// </summary>
    public static RootCommand Create(Func<OperatorArguments, Task<int>> runOperator, Action<string?> writeCrds)
    {
        var root = new RootCommand(Description);
        foreach (var flag in Flags)
        {
            root.Options.Add(flag.CreateOption());
        }

        var keys = ConfigurationKeys.CreateArgument(Flags);
        root.Arguments.Add(keys);
        root.SetAction(result => runOperator(new OperatorArguments(
            Flags.Select(f => (f.Key, Value: f.Setting(result))).Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value),
            result.GetValue(keys) ?? [])));

        var directory = new Argument<string?>("DIR")
        {
            Description = "write one file per kind into this directory instead",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var crds = new Command("crds", "print the CustomResourceDefinitions, as one multi-document YAML") { directory };
        crds.SetAction(result => writeCrds(result.GetValue(directory)));
        root.Subcommands.Add(crds);

        // `help`, as well as --help and -h: the usage the operator had before its flags were declared this way.
        var help = new Command("help", "print this help") { Hidden = true };
        help.SetAction(result => root.Parse(["--help"]).Invoke(result.InvocationConfiguration));
        root.Subcommands.Add(help);
        return root;
    }

    /// <summary>Parses as the program does: without response files (a value may start with @).</summary>
    public static ParseResult Parse(RootCommand root, IReadOnlyList<string> args) =>
        root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    /// <summary>
    /// Runs what the command line says. A bad flag or value is reported on <paramref name="error"/> (each message names
    /// its flag) with exit code 2, and nothing runs.
    /// </summary>
    public static async Task<int> InvokeAsync(ParseResult result, TextWriter output, TextWriter error)
    {
        if (result.Errors.Count > 0)
        {
            foreach (var problem in result.Errors)
            {
                await error.WriteLineAsync(problem.Message);
            }

            await error.WriteLineAsync("See --help for the flags.");
            return 2;
        }

        // The host handles SIGTERM itself (it drains and hands the Lease over), and an exception ends the process as it
        // would without a command line library in between.
        return await result.InvokeAsync(new InvocationConfiguration
        {
            Output = output,
            Error = error,
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        });
    }
}

/// <summary>What the command line says to run the operator with, as configuration.</summary>
/// <param name="Settings">Configuration key to value, for each flag given.</param>
/// <param name="ConfigurationKeys">The <c>--Section:Key VALUE</c> arguments, for <c>AddCommandLine</c>.</param>
public sealed record OperatorArguments(IReadOnlyDictionary<string, string?> Settings, IReadOnlyList<string> ConfigurationKeys);
