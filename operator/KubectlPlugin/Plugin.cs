using KubectlSandbox.Cli;
using KubectlSandbox.Copy;
using KubectlSandbox.Exec;
using KubectlSandbox.Kube;
using KubectlSandbox.Sandboxes;

namespace KubectlSandbox;

/// <summary>One run of the plugin: parse, connect as the kubeconfig says, run the verb; its exit code.</summary>
internal static class Plugin
{
    public const string Usage = """
        kubectl sandbox: use a Sandbox (sandbox.northflank.com) through the Kubernetes API, authorised by RBAC.

        Usage:
          kubectl sandbox exec NAME [-i] [-t] -- COMMAND [ARGS...]   run a command; its exit code is ours
          kubectl sandbox logs NAME [-f] [--since 5m] [--tail N] [--timestamps]
          kubectl sandbox cp NAME:/remote/path ./local               copy a file or directory out (or in, reversed)
          kubectl sandbox url NAME                                   the Sandbox's public URL(s)
          kubectl sandbox pause NAME | resume NAME                   spec.operatingMode Paused / Running
          kubectl sandbox wait NAME [--for=condition=Ready] [--timeout 5m]

        Flags for every verb: --kubeconfig PATH, --context NAME, -n/--namespace NAMESPACE.
        See docs/kubectl-plugin.md.
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var verb = CommandLine.Parse(args);
        if (verb is HelpVerb)
        {
            await Console.Out.WriteLineAsync(Usage);
            return 0;
        }

        using var connection = KubeConnection.Open(TargetOf(verb));
        var stdout = Console.Out;
        return verb switch
        {
            ExecVerb exec => await ExecCommand.RunAsync(connection, exec, cancellationToken),
            LogsVerb logs => await LogsCommand.RunAsync(connection, logs, Console.OpenStandardOutput(), cancellationToken),
            CopyVerb copy => await CopyCommand.RunAsync(connection, copy, Console.OpenStandardError(), cancellationToken),
            WaitVerb wait => await WaitCommand.RunAsync(connection, wait, stdout, cancellationToken),
            SandboxVerb sandbox => await SandboxCommands.RunAsync(connection, sandbox, stdout, cancellationToken),
            _ => throw new UsageException($"unhandled verb {verb.GetType().Name}"),
        };
    }

    /// <summary>The verb's target; <c>cp NAMESPACE/NAME:PATH</c> names its namespace as <c>-n</c> would.</summary>
    public static Target TargetOf(Verb verb) =>
        verb is CopyVerb copy && (copy.Source.Namespace ?? copy.Destination.Namespace) is { } @namespace
            ? verb.Target with { Namespace = @namespace }
            : verb.Target;
}
