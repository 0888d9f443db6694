using System.Globalization;

namespace SandboxOperator.Connect;

/// <summary>
/// Pod exec's query options, as clients send them: <c>command</c> once per argument, and <c>stdin</c>, <c>stdout</c>,
/// <c>stderr</c>, <c>tty</c>. Stdout and stderr default to on, as the API server's PodExecOptions do.
/// </summary>
public sealed record ExecOptions(IReadOnlyList<string> Command, bool Stdin, bool Stdout, bool Stderr, bool Tty)
{
    /// <param name="query">Every value of a query parameter, none when absent.</param>
    /// <exception cref="ConnectRefusedException">400 naming what is wrong.</exception>
    public static ExecOptions Parse(Func<string, IReadOnlyList<string>> query)
    {
        var command = query("command");
        if (command.Count == 0 || command.All(string.IsNullOrEmpty))
        {
            throw ConnectRefusedException.BadRequest("command is required: one command= parameter per argument");
        }

        var options = new ExecOptions(command, QueryFlags.Bool(query, "stdin", false), QueryFlags.Bool(query, "stdout", true), QueryFlags.Bool(query, "stderr", true), QueryFlags.Bool(query, "tty", false));
        return options is { Stdin: false, Stdout: false, Stderr: false }
            ? throw ConnectRefusedException.BadRequest("at least one of stdin, stdout and stderr must be true")
            : options;
    }
}

/// <summary>Pod log's query options that a Sandbox's log can honour: <c>follow</c>, <c>tailLines</c>, <c>sinceSeconds</c>, <c>timestamps</c>.</summary>
public sealed record LogOptions(bool Follow, int? TailLines, int? SinceSeconds, bool Timestamps)
{
    /// <exception cref="ConnectRefusedException">400 naming what is wrong.</exception>
    public static LogOptions Parse(Func<string, IReadOnlyList<string>> query) => new(
        QueryFlags.Bool(query, "follow", false),
        QueryFlags.Count(query, "tailLines", min: 0),
        QueryFlags.Count(query, "sinceSeconds", min: 1),
        QueryFlags.Bool(query, "timestamps", false));
}

internal static class QueryFlags
{
    public static bool Bool(Func<string, IReadOnlyList<string>> query, string name, bool fallback) => query(name) switch
    {
        [] => fallback,
        [.., var last] => last.Trim().ToLowerInvariant() switch
        {
            "" or "true" or "1" => true,
            "false" or "0" => false,
            _ => throw ConnectRefusedException.BadRequest($"{name} must be true or false"),
        },
    };

    public static int? Count(Func<string, IReadOnlyList<string>> query, string name, int min) => query(name) switch
    {
        [] => null,
        [.., var last] when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min => value,
        _ => throw ConnectRefusedException.BadRequest($"{name} must be a whole number of at least {min}"),
    };
}
