using System.Text.RegularExpressions;

namespace TestInfra;

/// <summary>
/// The real operator binary as a child process (tethered: it dies with the test process), so tests exercise the
/// same program users run, including its flags, its shutdown and a hard kill in the middle of a reconcile.
/// </summary>
public sealed partial class OperatorProcess : IAsyncDisposable
{
    public const string AssemblyFileName = "northflank-sandbox-operator.dll";

    private readonly TetheredProcess process;
    private bool paused;

    private OperatorProcess(TetheredProcess process) => this.process = process;

    public string LogPath => process.LogPath;

    public bool HasExited => process.HasExited;

    /// <summary>The operator's exit code, or null while it runs (or after it was stopped by the test).</summary>
    public int? ExitCode => process.ExitCode;

    /// <summary>Starts <c>dotnet northflank-sandbox-operator.dll ARGS</c> from the directory the tests run in.</summary>
    public static OperatorProcess Start(string name, IEnumerable<string> arguments, string logDirectory) =>
        Start(name, arguments, logDirectory, Path.Combine(AppContext.BaseDirectory, AssemblyFileName));

    /// <summary>Starts another build of the operator (e.g. an earlier commit's, to compare with).</summary>
    public static OperatorProcess Start(string name, IEnumerable<string> arguments, string logDirectory, string assembly)
    {
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{Path.GetFileName(assembly)} not found; reference operator/Operator.csproj, or publish the build to compare with", assembly);
        }

        Directory.CreateDirectory(logDirectory);
        var logPath = Path.Combine(logDirectory, $"{name}.log");
        return new OperatorProcess(TetheredProcess.Start(name, "dotnet", [assembly, .. arguments], logPath));
    }

    public string ReadLog()
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }

    public string LogTail(int lines = 40) => process.LogTail(lines);

    /// <summary>The address its health and metrics endpoints bound to, read from its startup log.</summary>
    public async Task<Uri> WaitForHealthAddressAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        Uri? address = null;
        await Poll.UntilAsync(
            _ =>
            {
                var match = ListeningOn().Match(ReadLog());
                address = match.Success ? new Uri(match.Groups[1].Value) : null;
                return Task.FromResult(address is not null || process.HasExited);
            },
            timeout,
            "the operator to listen",
            ct);
        return address ?? throw new InvalidOperationException($"the operator exited before listening:\n{LogTail()}");
    }

    /// <summary>
    /// Peak resident memory (VmHWM) of the operator's dotnet process so far, in bytes; null when it is not running.
    /// The tether wrapper's own memory is left out: the server is the <c>dotnet</c> process in the wrapper's group.
    /// </summary>
    public long? PeakMemoryBytes() =>
        ProcessMemory.FindInGroup(process.ProcessGroupId, "dotnet") is { } pid ? ProcessMemory.PeakResidentBytes(pid) : null;

    /// <summary>Resident memory (VmRSS) of the operator's dotnet process now, in bytes; null when it is not running.</summary>
    public long? ResidentMemoryBytes() =>
        ProcessMemory.FindInGroup(process.ProcessGroupId, "dotnet") is { } pid ? ProcessMemory.ResidentBytes(pid) : null;

    /// <summary>SIGKILL: no shutdown code runs, as when a node dies.</summary>
    public void Kill() => process.KillNow();

    /// <summary>
    /// SIGSTOP to the operator (not to its tether, which goes on watching the test process): frozen mid-flight, as in
    /// a long GC or VM pause. Its sockets stay open and its clock runs on; nothing of it runs until <see cref="Resume"/>.
    /// </summary>
    public void Pause()
    {
        SignalOperator(NativeMethods.SigStop);
        paused = true;
    }

    /// <summary>SIGCONT: the operator carries on from where it was frozen.</summary>
    public void Resume()
    {
        SignalOperator(NativeMethods.SigCont);
        paused = false;
    }

    /// <summary>Waits until the operator exits on its own and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        await Poll.UntilAsync(_ => Task.FromResult(process.HasExited), timeout, "the operator to exit", ct);
        return process.ExitCode ?? throw new InvalidOperationException("the operator was stopped by the test, not exited");
    }

    public Task StopAsync()
    {
        if (paused && !process.HasExited)
        {
            // A frozen process would hold SIGTERM pending until the grace period ends in SIGKILL.
            Resume();
        }

        return process.StopAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void SignalOperator(int signal)
    {
        var pid = ProcessMemory.FindInGroup(process.ProcessGroupId, "dotnet")
            ?? throw new InvalidOperationException("the operator process is not running");
        if (NativeMethods.Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    [GeneratedRegex(@"Now listening on: (http://[0-9.:]+)")]
    private static partial Regex ListeningOn();
}
