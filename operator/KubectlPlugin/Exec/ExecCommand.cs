using KubectlSandbox.Cli;
using KubectlSandbox.Kube;

namespace KubectlSandbox.Exec;

/// <summary><c>kubectl sandbox exec</c>: the connect API's exec subresource, with the remote exit code as ours.</summary>
internal static class ExecCommand
{
    public static async Task<int> RunAsync(KubeConnection connection, ExecVerb verb, CancellationToken cancellationToken)
    {
        var terminal = verb.Tty ? Terminal.EnterRawMode() : null;
        try
        {
            var tty = terminal is not null;
            var stdin = verb.Stdin ? StandardInput() : null;
            return await RunAsync(connection, verb.Name, verb.Command, stdin, Console.OpenStandardOutput(), Console.OpenStandardError(), tty, terminal, cancellationToken);
        }
        finally
        {
            terminal?.Dispose();
        }
    }

    /// <summary>
    /// File descriptor 0 read as it is. On a terminal, .NET's Console.OpenStandardInput reads through its own line
    /// editor (it waits for Enter and echoes), which a raw session must not have: keys go to the Sandbox one by one.
    /// </summary>
    private static Stream StandardInput() =>
        OperatingSystem.IsWindows()
            ? Console.OpenStandardInput()
            : new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);

    /// <summary>Runs <paramref name="command"/> in the Sandbox with these streams (no stdin when null); its exit code.</summary>
    public static async Task<int> RunAsync(
        KubeConnection connection, string name, IReadOnlyList<string> command, Stream? stdin, Stream stdout, Stream stderr,
        bool tty, Terminal? terminal, CancellationToken cancellationToken)
    {
        var path = Path(connection.Namespace, name, command, stdin is not null, tty);
        var socket = await connection.ConnectAsync(path, [Frames.V5, Frames.V4], cancellationToken);
        using var session = new ExecSession(socket, stdin, stdout, stderr);
        terminal?.WatchSize((columns, rows) => _ = session.ResizeAsync(columns, rows, cancellationToken));
        return await session.RunAsync(cancellationToken);
    }

    /// <summary>The exec path with pod exec's query: one <c>command</c> per argv element; stderr merges into a TTY.</summary>
    public static string Path(string @namespace, string name, IReadOnlyList<string> command, bool stdin, bool tty)
    {
        var query = command.Select(c => $"command={Uri.EscapeDataString(c)}")
            .Append($"stdin={Bool(stdin)}").Append("stdout=true").Append($"stderr={Bool(!tty)}").Append($"tty={Bool(tty)}");
        return $"{ConnectApi.Sandbox(@namespace, name)}/exec?{string.Join('&', query)}";
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
