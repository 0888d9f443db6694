namespace KubectlSandbox.Cli;

/// <summary>
/// .NET's console on Unix switches a terminal to application keypad mode (terminfo's smkx, <c>ESC[?1h ESC=</c>) at its
/// first console write, for its own key reading, and does not switch it back on exit: after the plugin, a program
/// without readline would read the arrow keys as <c>ESC O A</c>. The plugin switches it back (rmkx) as it leaves.
/// </summary>
internal static class TerminalKeypad
{
    /// <summary>Cursor keys and keypad back to normal mode (DECCKM reset, DECKPNM): what rmkx says on xterm-like terminals.</summary>
    public const string Normal = "\u001b[?1l\u001b>";

    public static void Restore()
    {
        if (Console.IsOutputRedirected || Environment.GetEnvironmentVariable("TERM") is null or "dumb")
        {
            return;
        }

        // Straight to the descriptor: through Console.Out it would be the first write that switches the mode on.
        using var stdout = Console.OpenStandardOutput();
        stdout.Write(System.Text.Encoding.ASCII.GetBytes(Normal));
        stdout.Flush();
    }
}
