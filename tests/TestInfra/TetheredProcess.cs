using System.Diagnostics;

namespace TestInfra;

/// <summary>
/// One server process (etcd, kube-apiserver, ...) run through tests/infra/tether.sh under <c>setsid</c>:
/// it dies with the test process even on SIGKILL, and it is stopped as a whole process group.
/// Its output goes to <see cref="LogPath"/> only.
/// </summary>
public sealed class TetheredProcess
{
    private readonly Process process;

    // Kept apart from _process so KillNow still works after the Process object is disposed.
    private readonly int processGroupId;

    private bool stopped;

    private TetheredProcess(string name, string logPath, Process process)
    {
        Name = name;
        LogPath = logPath;
        this.process = process;
        processGroupId = process.Id;
    }

    public string Name { get; }

    /// <summary>The process group of wrapper and server (the wrapper's pid), to find the server process itself.</summary>
    public int ProcessGroupId => processGroupId;

    public string LogPath { get; }

    public bool HasExited => stopped || process.HasExited;

    /// <summary>The exit code, or null while it runs.</summary>
    public int? ExitCode => !stopped && process.HasExited ? process.ExitCode : null;

    public static TetheredProcess Start(string name, string executable, IEnumerable<string> arguments, string logPath)
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            // Nothing is redirected: tether.sh sends the server's output to the log file itself.
            RedirectStandardInput = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        // setsid execs in place here (a .NET child is never a group leader), so the pid we get is also the
        // process group id of wrapper + server.
        startInfo.ArgumentList.Add("bash");
        startInfo.ArgumentList.Add(TetherScriptPath);
        startInfo.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        startInfo.ArgumentList.Add(logPath);
        startInfo.ArgumentList.Add(executable);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"could not start {name}");
        return new TetheredProcess(name, logPath, process);
    }

    /// <summary>SIGTERM to the group, then SIGKILL if it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        // Idempotent: a caller may stop it explicitly and then again through DisposeAsync, after _process is disposed.
        if (stopped || process.HasExited)
        {
            return;
        }

        stopped = true;

        NativeMethods.Kill(-processGroupId, NativeMethods.SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            KillNow();
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
    }

    /// <summary>SIGKILL to the whole group; for exit paths where there is no time to wait.</summary>
    public void KillNow()
    {
        // Signal the group even if the wrapper is gone: a server could still be alive in it.
        NativeMethods.Kill(-processGroupId, NativeMethods.SigKill);
    }

    /// <summary>The last lines of the log, for error messages when startup fails.</summary>
    public string LogTail(int lines)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var tail = new Queue<string>(lines);
            while (reader.ReadLine() is { } line)
            {
                if (tail.Count == lines)
                {
                    tail.Dequeue();
                }

                tail.Enqueue(line);
            }

            return string.Join('\n', tail);
        }
        catch (IOException ex)
        {
            return $"(log {LogPath} unreadable: {ex.Message})";
        }
    }

    /// <summary>tether.sh is copied next to this assembly by TestInfra.csproj.</summary>
    private static string TetherScriptPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "tether.sh");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"tether.sh not found next to the test assembly at {path}", path);
        }
    }
}
