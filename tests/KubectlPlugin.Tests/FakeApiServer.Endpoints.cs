using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KubectlPlugin.Tests;

/// <summary>The fake's process-backed exec (for cp), its log and its Sandbox object endpoints.</summary>
internal sealed partial class FakeApiServer
{
    /// <summary>Runs the command here, as the simulator runs a Sandbox's: stdin from channel 0 until its close, stdout and stderr back.</summary>
    private static async Task<int> RunAsync(WebSocket socket, List<string> command, bool stdin)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        command.Skip(1).ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var input = Task.Run(async () =>
        {
            if (stdin)
            {
                await foreach (var message in MessagesAsync(socket))
                {
                    if (message is [255, 0])
                    {
                        break;
                    }

                    await process.StandardInput.BaseStream.WriteAsync(message.AsMemory(1));
                }
            }

            process.StandardInput.Close();
        });
        await Task.WhenAll(CopyAsync(process.StandardOutput.BaseStream, socket, 1), CopyAsync(process.StandardError.BaseStream, socket, 2));
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private static async Task CopyAsync(Stream from, WebSocket socket, byte channel)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer)) > 0)
        {
            await SendAsync(socket, channel, buffer[..read]);
        }
    }

    private async Task LogAsync(HttpContext http, string ns, string name)
    {
        if (await RefusedAsync(http, name))
        {
            return;
        }

        http.Response.ContentType = "text/plain";
        var stamp = http.Request.Query["timestamps"] == "true" ? "2026-12-06T10:00:00.123456789Z " : "";
        foreach (var line in new[] { "first line", "second line" })
        {
            await http.Response.WriteAsync($"{stamp}{line}\n");
            await http.Response.Body.FlushAsync();
        }
    }

    private async Task GetAsync(HttpContext http, string ns, string name)
    {
        if (!Sandboxes.TryGetValue($"{ns}/{name}", out var sandbox))
        {
            await StatusAsync(http, 404, "NotFound", $"sandboxes.sandbox.northflank.com \"{name}\" not found");
            return;
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(sandbox.ToJsonString());
    }

    private async Task PatchAsync(HttpContext http, string ns, string name)
    {
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
        Patches.Enqueue($"{http.Request.ContentType} {body}");
        await GetAsync(http, ns, name);
    }

    private async Task WatchAsync(HttpContext http, string ns)
    {
        if (http.Request.Query["watch"] != "true")
        {
            await StatusAsync(http, 400, "BadRequest", "only watches here");
            return;
        }

        http.Response.ContentType = "application/json";
        if (WatchEvent is { } sandbox)
        {
            await http.Response.WriteAsync(new JsonObject { ["type"] = "MODIFIED", ["object"] = sandbox.DeepClone() }.ToJsonString() + "\n");
        }
    }
}
