namespace KubectlSandbox.Cli;

/// <summary>The flags every verb takes, as kubectl spells them: which kubeconfig, context and namespace to use.</summary>
internal sealed record Target(string? Kubeconfig, string? Context, string? Namespace);

/// <summary>One parsed command line: the verb and its arguments.</summary>
internal abstract record Verb(Target Target);

/// <summary><c>exec NAME [-i] [-t] -- CMD ARGS...</c></summary>
internal sealed record ExecVerb(Target Target, string Name, bool Stdin, bool Tty, IReadOnlyList<string> Command) : Verb(Target);

/// <summary><c>logs NAME [-f] [--since 5m] [--tail N] [--timestamps]</c>; a null Tail means every line.</summary>
internal sealed record LogsVerb(Target Target, string Name, bool Follow, TimeSpan? Since, int? Tail, bool Timestamps) : Verb(Target);

/// <summary><c>cp SRC DST</c>, exactly one of them remote (<c>NAME:/path</c>).</summary>
internal sealed record CopyVerb(Target Target, CopyPath Source, CopyPath Destination) : Verb(Target);

/// <summary><c>url NAME</c>, <c>pause NAME</c>, <c>resume NAME</c>: one Sandbox, read or patched.</summary>
internal sealed record SandboxVerb(Target Target, string Action, string Name) : Verb(Target);

/// <summary><c>wait NAME [--for=condition=Ready[=True]] [--timeout 5m]</c></summary>
internal sealed record WaitVerb(Target Target, string Name, string Condition, bool Status, TimeSpan Timeout) : Verb(Target);

/// <summary><c>--help</c>, or no verb at all.</summary>
internal sealed record HelpVerb() : Verb(new Target(null, null, null));

/// <summary>A command line that cannot be run; its message says why, for "error: ...".</summary>
internal sealed class UsageException(string message) : Exception(message);
