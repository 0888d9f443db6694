using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Connect;

/// <summary>
/// A Sandbox's log as pod log writes one: text, a line per line, oldest first, each prefixed by its RFC 3339 time and a
/// space when <c>timestamps=true</c>. Without <c>follow</c> it is one range query (the newest <c>tailLines</c>, at most
/// <see cref="MaxRangeLines"/>, since <c>sinceSeconds</c>); with it, Northflank's log tail, written batch by batch until
/// the client goes away or Northflank ends it. The response starts only once Northflank answered, so a refusal is
/// still an HTTP error with its Status.
/// </summary>
public sealed class LogWriter(ConnectService service, SessionTarget target, LogOptions options, TimeProvider time)
{
    /// <summary>Most lines one range answers when the client sets no tailLines: one Northflank request, one bounded answer.</summary>
    public const int MaxRangeLines = 1000;

    /// <param name="start">Starts the 200 response (called once, before the first write).</param>
    /// <param name="write">Writes and flushes text.</param>
    public async Task WriteAsync(Func<Task> start, Func<string, Task> write, CancellationToken ct)
    {
        var since = options.SinceSeconds is { } seconds ? time.GetUtcNow() - TimeSpan.FromSeconds(seconds) : (DateTimeOffset?)null;
        var streams = service.Streams;
        if (!options.Follow)
        {
            IReadOnlyList<NorthflankLogLine> lines = options.TailLines == 0 ? [] : await service.Northflank(
                () => streams.GetLogRangeAsync(target.Token, target.ProjectId, target.ServiceId, new NorthflankLogQuery(options.TailLines ?? MaxRangeLines, since), ct), target);
            await start();
            await write(Format(lines, options.Timestamps));
            return;
        }

        // tailLines=0 follows from now: the tail's first batch (the recent lines) is asked for as small as it goes, and dropped.
        var query = new NorthflankLogQuery(options.TailLines is 0 ? 1 : options.TailLines, since);
        await using var tail = await service.Northflank(() => streams.OpenLogTailAsync(target.Token, target.ProjectId, target.ServiceId, query, ct), target);
        await start();
        var skip = options.TailLines == 0;
        try
        {
            while (await tail.ReceiveAsync(ct) is { } batch)
            {
                if (!skip && batch.Count > 0)
                {
                    await write(Format(batch, options.Timestamps));
                }

                skip = false;
            }
        }
        catch (Exception e) when (e is NorthflankApiException or WebSocketException or OperationCanceledException)
        {
            // Streaming has started: the end of the body is all the client can be told.
        }
    }

    /// <summary>The lines as text, each ending in a newline.</summary>
    public static string Format(IEnumerable<NorthflankLogLine> lines, bool timestamps)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            if (timestamps)
            {
                text.Append(Rfc3339Nano(line.Ts)).Append(' ');
            }

            text.Append(line.Log.TrimEnd('\n', '\r')).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Go's RFC3339Nano, as pod log writes it: UTC, the fraction without trailing zeros (none when zero).</summary>
    public static string Rfc3339Nano(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture) + "Z";
}
