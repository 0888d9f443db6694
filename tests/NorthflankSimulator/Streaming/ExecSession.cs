using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using NorthflankSimulator.Api;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Streaming;

/// <summary>
/// One exec over <c>/v1/command-exec/projects/{projectId}/services/{serviceId}</c>, speaking the protocol of the
/// official client's ExecCommandStandard (execute-command.md): after the init handshake the server answers
/// <c>{"type":"init","data":{"auth":"successful","context":{...}}}</c> and starts the process; the client sends
/// <c>payload</c> (stdin), <c>stdInEnd</c> and <c>resize</c>; the server sends <c>stdOut</c> and <c>stdErr</c> as output
/// arrives, then <c>{"type":"completion","data":{"exitCode":n,"status":"Success"|"Failure"}}</c> and closes with 1000.
/// The process tree is killed when the client closes first, the service is deleted or the simulator stops.
/// </summary>
internal sealed class ExecSession(WebSocketChannel channel, ExecRequest request, Process process)
{
    private readonly CancellationTokenSource clientGone = new();

    public static async Task RunAsync(HttpContext context, SimulatorRuntime runtime)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var channel = new WebSocketChannel(socket);
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var session = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var init = await StreamHandshake.AcceptAsync(context, channel, runtime, session.Token);
        if (init is null)
        {
            return;
        }

        var (projectId, serviceId) = (ApiIo.Route(context, "projectId"), ApiIo.Route(context, "serviceId"));
        ExecRequest request;
        ProcessStartInfo start;
        (string Directory, CancellationToken Gone) workspace;
        try
        {
            request = ExecRequest.Parse(init["context"] as JsonObject, Environment.UserName, File.Exists);
            var target = runtime.Store.ExecTarget(projectId, serviceId, request.ContainerName);
            workspace = runtime.Workspaces.Enter(projectId, serviceId);
            start = ExecProcess.StartInfo(request, workspace.Directory, target);
            var echo = init["context"]?.DeepClone() as JsonObject ?? [];
            echo["containerName"] = target.ContainerName;
            await channel.SendAsync("init", new JsonObject { ["auth"] = "successful", ["context"] = echo }, session.Token);
        }
        catch (ApiException error)
        {
            await StreamHandshake.RefuseAsync(context, channel, error, session.Token);
            return;
        }

        using var ended = CancellationTokenSource.CreateLinkedTokenSource(session.Token, workspace.Gone);
        await RunProcessAsync(channel, request, start, workspace.Gone, ended.Token);
    }

    private static async Task RunProcessAsync(WebSocketChannel channel, ExecRequest request, ProcessStartInfo start, CancellationToken serviceGone, CancellationToken ended)
    {
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new System.ComponentModel.Win32Exception("no process started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // As a shell reports a command it cannot run: 127, with the reason as the result's message.
            await channel.SendAsync("completion", new JsonObject
            {
                ["exitCode"] = 127,
                ["status"] = "Failure",
                ["message"] = $"Cannot run '{start.FileName}': {e.Message}",
            }, ended);
            await channel.CloseAsync(WebSocketCloseStatus.NormalClosure, "completed");
            return;
        }

        using (process)
        {
            await new ExecSession(channel, request, process).SuperviseAsync(serviceGone, ended);
        }
    }

    private async Task SuperviseAsync(CancellationToken serviceGone, CancellationToken ended)
    {
        var stdOut = PumpAsync(process.StandardOutput.BaseStream, "stdOut");
        var stdErr = PumpAsync(process.StandardError.BaseStream, "stdErr");
        var control = ControlAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ended, clientGone.Token);
        using (stop.Token.Register(() => ExecProcess.Kill(process)))
        {
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // Output still in the pipes belongs before the completion; a background child holding them open is not waited for.
        await Task.WhenAny(Task.WhenAll(stdOut, stdErr), Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
        if (clientGone.IsCancellationRequested || (ended.IsCancellationRequested && !serviceGone.IsCancellationRequested))
        {
            await channel.CloseAsync(WebSocketCloseStatus.NormalClosure, "ended");
        }
        else if (serviceGone.IsCancellationRequested)
        {
            await channel.SendAsync("error", new JsonObject { ["status"] = 404, ["id"] = "not-found", ["message"] = "The service was deleted; the command was killed" }, CancellationToken.None);
            await channel.CloseAsync(WebSocketCloseStatus.NormalClosure, "service deleted");
        }
        else
        {
            var exitCode = process.ExitCode;
            await channel.SendAsync("completion", new JsonObject { ["exitCode"] = exitCode, ["status"] = exitCode == 0 ? "Success" : "Failure" }, CancellationToken.None);
            await channel.CloseAsync(WebSocketCloseStatus.NormalClosure, "completed");
        }

        await Task.WhenAny(control, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
    }

    /// <summary>Output as frames: UTF-8 text (a character split between reads waits for its rest), or base64 of the bytes.</summary>
    private async Task PumpAsync(Stream output, string type)
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[8192];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        try
        {
            int read;
            while ((read = await output.ReadAsync(bytes)) > 0)
            {
                var text = request.Base64
                    ? Convert.ToBase64String(bytes, 0, read)
                    : new string(chars, 0, decoder.GetChars(bytes, 0, read, chars, 0, flush: false));
                if (text.Length > 0)
                {
                    await channel.SendAsync(type, JsonValue.Create(text), CancellationToken.None);
                }
            }
        }
        catch (Exception e) when (e is IOException or WebSocketException or ObjectDisposedException)
        {
            // The process or the client went away; the supervisor decides what the client hears.
        }
    }

    /// <summary>The client's frames: stdin, its end, and terminal resizes. Ends when the client closes.</summary>
    private async Task ControlAsync()
    {
        while (true)
        {
            JsonObject? frame;
            try
            {
                frame = await channel.ReceiveAsync(CancellationToken.None);
            }
            catch (InvalidDataException)
            {
                continue; // A frame the simulator cannot read changes nothing; the session goes on.
            }

            if (frame is null)
            {
                if (!process.HasExited)
                {
                    await clientGone.CancelAsync();
                }

                return;
            }

            await HandleAsync(frame);
        }
    }

    private async Task HandleAsync(JsonObject frame)
    {
        try
        {
            switch ((string?)frame["type"])
            {
                case "payload" when frame["data"] is JsonValue data && data.TryGetValue<string>(out var text):
                    var bytes = request.Base64 ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
                    await process.StandardInput.BaseStream.WriteAsync(bytes);
                    await process.StandardInput.BaseStream.FlushAsync();
                    break;
                case "stdInEnd":
                    process.StandardInput.Close();
                    break;
                case "resize" when request.Tty && frame["data"] is JsonObject size:
                    await ExecProcess.ResizeAsync(process, ExecRequest.Size(size, "ttyRows", "data"), ExecRequest.Size(size, "ttyColumns", "data"));
                    break;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or FormatException or ApiException)
        {
            // Stdin after its end or after the process exited, or a bad resize: dropped, as a closed pipe would drop it.
        }
    }
}
