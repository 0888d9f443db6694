using System.Diagnostics;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Streaming;

/// <summary>
/// Starting an exec'd command as a real process of the simulator's user, in the service's workspace, with the
/// inherited environment plus the service's runtime environment and <c>HOSTNAME</c> set to the container's name (as
/// Kubernetes sets it to the pod's). <c>tty: true</c> runs it under a pseudo-terminal made by util-linux
/// <c>script</c> (stdout and stderr then arrive merged on stdOut, with the terminal's echo and CRLF line ends), sized
/// with <c>stty</c> inside the terminal; a later <c>resize</c> runs <c>stty -F</c> on that terminal, which also sends
/// SIGWINCH to the command, so no native code is needed.
/// </summary>
internal static class ExecProcess
{
    private const string Script = "/usr/bin/script";

    public static ProcessStartInfo StartInfo(ExecRequest request, string directory, ExecTarget target)
    {
        var start = new ProcessStartInfo
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in target.Environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["HOSTNAME"] = target.ContainerName;
        if (!request.Tty)
        {
            start.FileName = request.Arguments[0];
            foreach (var argument in request.Arguments.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            return start;
        }

        if (!File.Exists(Script))
        {
            throw new ApiException(501, "not-implemented", $"tty needs util-linux's {Script} on the simulator's host");
        }

        // script -c hands its command to $SHELL -c; -e returns the command's exit code, -f flushes every write, -q is quiet.
        start.FileName = Script;
        start.Environment["SHELL"] = "/bin/sh";
        foreach (var argument in new[] { "-qfec", ShellLine(request), "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>The command line <c>script</c> runs: the initial terminal size, then the command in its place.</summary>
    public static string ShellLine(ExecRequest request)
    {
        var size = SizeArguments(request.Rows, request.Columns);
        var command = "exec " + string.Join(' ', request.Arguments.Select(Quote));
        return size.Length == 0 ? command : $"stty {size} 2>/dev/null; {command}";
    }

    /// <summary>Applies a resize to the terminal of a tty exec: <c>stty -F</c> on the pty the command's stdin is.</summary>
    public static async Task ResizeAsync(Process script, int? rows, int? columns)
    {
        var size = SizeArguments(rows, columns);
        var terminal = TerminalOf(script.Id);
        if (size.Length == 0 || terminal is null)
        {
            return;
        }

        var stty = new ProcessStartInfo("stty") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[] { "-F", terminal }.Concat(size.Split(' ')))
        {
            stty.ArgumentList.Add(argument);
        }

        using var process = Process.Start(stty);
        if (process is not null)
        {
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Kills the command and everything it started; a process already gone is fine.</summary>
    public static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Exited meanwhile.
        }
    }

    private static string SizeArguments(int? rows, int? columns) =>
        string.Join(' ', new[] { rows is { } r ? $"rows {r}" : null, columns is { } c ? $"cols {c}" : null }.Where(s => s is not null));

    /// <summary>The pty of script's child (the command): <c>/proc/&lt;child&gt;/fd/0</c>; null when it cannot be found.</summary>
    private static string? TerminalOf(int scriptPid)
    {
        try
        {
            var children = File.ReadAllText($"/proc/{scriptPid}/task/{scriptPid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return children.Length == 0 ? null : new FileInfo($"/proc/{children[0]}/fd/0").LinkTarget is { } target && target.StartsWith("/dev/pts/", StringComparison.Ordinal)
                ? target
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
