using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// <c>kubectl sandbox exec -it</c> from a real terminal: the plugin runs in a pseudo-terminal made by util-linux
/// <c>script</c>, as a user's shell would run it; the remote shell gets a terminal of the local window's size, follows a
/// resize of the local window (SIGWINCH), and its exit code becomes the plugin's.
/// </summary>
public sealed partial class ConnectTests
{
    [Test]
    public async Task An_interactive_shell_gets_a_terminal_of_the_local_size_follows_a_resize_and_returns_its_exit_code()
    {
        await using var site = await ConnectSite.OpenAsync(this);
        var port = StartConnectOperator(site);
        await CreateAsync(NewSandbox("agent"));
        await WaitForConditionAsync("agent", "Ready", "True");
        await AsAliceAsync(site, port, "agent", async (_, kubeconfig) =>
        {
            var resize = Path.Combine(LogDirectory, "resize-now");
            await using var terminal = LocalTerminal.Start(kubeconfig, Namespace, "agent", resize);
            try
            {
                await terminal.TypeUntilAsync("tty; stty size\r", @"/dev/pts/\d+[\s\S]*\b33 101\b");
                File.WriteAllText(resize, "");
                await terminal.TypeUntilAsync("stty size\r", @"\b44 120\b");
                terminal.Type("exit 3\r");
                var exitCode = await terminal.WaitForExitAsync();
                Assert.That(exitCode, Is.EqualTo(3), terminal.Output);
                AssertNoToken(terminal.Output);

                // .NET's console turns application keypad mode on; the plugin must turn it off again as it leaves.
                var keypadOn = terminal.Output.LastIndexOf("\u001b[?1h", StringComparison.Ordinal);
                Assert.That(terminal.Output.LastIndexOf("\u001b[?1l\u001b>", StringComparison.Ordinal), Is.GreaterThan(keypadOn), "the keypad is left in normal mode");
            }
            finally
            {
                TestContext.Out.WriteLine($"--- terminal ---\n{terminal.Output}");
            }
        });
    }

    /// <summary>
    /// The plugin in a pseudo-terminal of 33 rows and 101 columns (<c>script -e</c> exits with the plugin's code). A
    /// background job waits for <paramref name="resizeFlag"/>, then sets the window to 44×120 on the same terminal,
    /// which sends the plugin SIGWINCH as a terminal emulator's resize would.
    /// </summary>
    private sealed class LocalTerminal : IAsyncDisposable
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
        private readonly Process process;
        private readonly StringBuilder output = new();
        private readonly Task reading;

        private LocalTerminal(Process process)
        {
            this.process = process;
            reading = Task.Run(async () =>
            {
                var buffer = new char[4096];
                int read;
                while ((read = await process.StandardOutput.ReadAsync(buffer)) > 0)
                {
                    lock (output)
                    {
                        output.Append(buffer, 0, read);
                    }
                }
            });
        }

        public string Output
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        public static LocalTerminal Start(string kubeconfig, string ns, string sandbox, string resizeFlag)
        {
            var plugin = $"'{Tools.KubectlSandbox}' --kubeconfig '{kubeconfig}' -n {ns} exec -it {sandbox} -- sh";
            var waitThenResize = $"(for i in $(seq 1 600); do [ -e '{resizeFlag}' ] && break; sleep 0.1; done; stty rows 44 cols 120 </dev/tty) &";
            var start = new ProcessStartInfo("script")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                Environment = { ["SHELL"] = "/bin/sh", ["TERM"] = "xterm" },
            };
            foreach (var argument in (string[])["-q", "-e", "-c", $"stty rows 33 cols 101; {waitThenResize} exec {plugin}", "/dev/null"])
            {
                start.ArgumentList.Add(argument);
            }

            return new LocalTerminal(Process.Start(start)!);
        }

        public void Type(string keys)
        {
            process.StandardInput.Write(keys);
            process.StandardInput.Flush();
        }

        /// <summary>
        /// Types <paramref name="keys"/> until the output matches <paramref name="expected"/>: the first keys may reach
        /// the remote shell before its first prompt, and a resize takes a moment to reach the remote terminal.
        /// </summary>
        public async Task TypeUntilAsync(string keys, string expected)
        {
            var seen = Output.Length;
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < Patience && !process.HasExited)
            {
                Type(keys);
                for (var i = 0; i < 20; i++)
                {
                    await Task.Delay(100);
                    if (Regex.IsMatch(Output[seen..], expected))
                    {
                        return;
                    }
                }
            }

            Assert.Fail($"the terminal never showed /{expected}/ after typing {keys.Trim()}:\n{Output}");
        }

        public async Task<int> WaitForExitAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            await process.WaitForExitAsync(timeout.Token);
            await reading;
            return process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }
}
