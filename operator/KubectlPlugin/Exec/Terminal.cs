using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace KubectlSandbox.Exec;

/// <summary>
/// The local terminal for <c>exec -t</c>. .NET has no raw mode (Console.TreatControlCAsInput only stops Ctrl+C), so
/// raw mode is <c>stty raw -echo</c> run on our own terminal (the child inherits stdin), and the saved <c>stty -g</c>
/// settings are put back on dispose, whatever ended the session. Keys then go to the remote shell as typed, Ctrl+C
/// included. Window size changes arrive as SIGWINCH, which .NET's PosixSignalRegistration delivers on Unix.
/// </summary>
internal sealed class Terminal : IDisposable
{
    private readonly string saved;
    private PosixSignalRegistration? resizes;

    private Terminal(string saved) => this.saved = saved;

    /// <summary>True when stdin is a terminal (rather than a pipe or a file), so raw mode means something.</summary>
    public static bool IsInteractive => !Console.IsInputRedirected && !OperatingSystem.IsWindows();

    /// <summary>Puts the terminal into raw mode; null (and a note on stderr) when stdin is no terminal or stty fails.</summary>
    public static Terminal? EnterRawMode()
    {
        if (!IsInteractive || Stty("-g") is not { Length: > 0 } saved || Stty("raw", "-echo") is null)
        {
            Console.Error.WriteLine("Unable to use a TTY: input is not a terminal (or stty failed); running without one");
            return null;
        }

        return new Terminal(saved.Trim());
    }

    /// <summary>
    /// The window size now, from <c>stty size</c> ("rows columns"). Not Console.WindowWidth: that initialises .NET's
    /// own terminal handling (keypad mode, its saved settings restored at exit), which must stay out of a raw session.
    /// </summary>
    public static (int Columns, int Rows)? Size() =>
        Stty("size")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var rows, var columns]
            && int.TryParse(rows, CultureInfo.InvariantCulture, out var r) && int.TryParse(columns, CultureInfo.InvariantCulture, out var c) && r > 0 && c > 0
            ? (c, r)
            : null;

    /// <summary>Calls <paramref name="onResize"/> now and on each SIGWINCH, with the new size.</summary>
    public void WatchSize(Action<int, int> onResize)
    {
        void Report()
        {
            if (Size() is var (columns, rows))
            {
                onResize(columns, rows);
            }
        }

        Report();
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        resizes = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, context =>
        {
            context.Cancel = true;
            Report();
        });
    }

    public void Dispose()
    {
        resizes?.Dispose();
        Stty(saved);
    }

    /// <summary>Runs stty on our terminal; its output, or null when it failed.</summary>
    private static string? Stty(params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo("stty") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var stty = Process.Start(start)!;
            var output = stty.StandardOutput.ReadToEnd();
            stty.WaitForExit();
            return stty.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
