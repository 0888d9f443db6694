using System.Globalization;
using System.Text.RegularExpressions;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Api;

/// <summary>
/// The query of get-service-logs.md (range) and of a log tail (log-tailing.md), as the official client's
/// getLogsEndpoint writes it. Choices where the reference is silent: a range without times covers the last 30
/// minutes (the tail's documented default), <c>lineLimit</c> defaults to 100 for a range and 10 for a tail (the
/// tail's documented default), <c>direction</c> defaults to backward (the newest lines, newest first); forward gives
/// the oldest lines of the range, oldest first. At most one text or regex filter (log-tailing.md: "Only one text or
/// regex filter can be used"); filters match the whole <c>log</c> text. Parameters that select what the simulator
/// does not have (other log <c>type</c>s than runtime, <c>deploymentId</c>, builds, job runs) are refused.
/// </summary>
internal sealed record LogQuery(DateTimeOffset After, DateTimeOffset Until, int LineLimit, bool Backward, IReadOnlySet<string>? Containers, Func<string, bool> Matches)
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(30);
    private const string Page = "project/services/get-service-logs.md";
    private static readonly string[] Filters = ["textIncludes", "textNotIncludes", "regexIncludes", "regexNotIncludes"];

    /// <exception cref="ApiException">400 naming the parameter.</exception>
    public static LogQuery Parse(IQueryCollection query, DateTimeOffset now, bool tail)
    {
        var queryType = query["queryType"].ToString();
        if (queryType != (tail ? "tail" : "range") && !(queryType.Length == 0 && !tail))
        {
            throw ApiException.BadRequest("queryType", tail
                ? "must be tail for a log tail over WebSocket"
                : "must be range (a tail needs a WebSocket upgrade)");
        }

        foreach (var unsupported in new[] { "deploymentId", "buildId", "runId", "backupId", "restoreId" })
        {
            if (query.ContainsKey(unsupported))
            {
                throw ApiException.BadRequest(unsupported, $"is not simulated ({Page}); the simulator has the runtime logs of the current service only");
            }
        }

        if (query["type"].Any(t => t != "runtime"))
        {
            throw ApiException.BadRequest("type", "only runtime logs are simulated");
        }

        var (after, until) = tail ? TailWindow(query, now) : RangeWindow(query, now);
        var lineLimit = query.ContainsKey("lineLimit") ? PositiveInt(query, "lineLimit") : tail ? 10 : 100;
        var direction = query["direction"].ToString();
        if (direction.Length > 0 && (tail || direction is not ("backward" or "forward")))
        {
            throw ApiException.BadRequest("direction", tail ? "does not apply to a tail" : "must be backward or forward");
        }

        var containers = query["containerName"].Count > 0 ? new HashSet<string>(query["containerName"]!, StringComparer.Ordinal) : null;
        return new LogQuery(after, until, lineLimit, direction != "forward", containers, Filter(query));
    }

    /// <summary>The lines to answer, in answer order, at most <see cref="LineLimit"/>.</summary>
    public List<LogLine> Select(IEnumerable<LogLine> oldestFirst)
    {
        var matching = oldestFirst.Where(l => (Containers is null || Containers.Contains(l.ContainerId)) && Matches(l.Log)).ToList();
        return Backward
            ? [.. matching.AsEnumerable().Reverse().Take(LineLimit)]
            : [.. matching.Take(LineLimit)];
    }

    private static (DateTimeOffset, DateTimeOffset) RangeWindow(IQueryCollection query, DateTimeOffset now)
    {
        var start = Time(query, "startTime");
        var end = Time(query, "endTime");
        TimeSpan? duration = query.ContainsKey("duration") ? TimeSpan.FromSeconds(PositiveInt(query, "duration")) : null;
        if (duration is not null && start is not null && end is not null)
        {
            throw ApiException.BadRequest("duration", "with a duration only one of startTime and endTime may be set");
        }

        var until = end ?? (start is { } from && duration is { } length ? from + length : now);
        var after = start ?? until - (duration ?? DefaultWindow);
        return after < until ? (after, until) : throw ApiException.BadRequest("startTime", "must be before endTime");
    }

    private static (DateTimeOffset, DateTimeOffset) TailWindow(IQueryCollection query, DateTimeOffset now)
    {
        foreach (var rangeOnly in new[] { "endTime", "duration" })
        {
            if (query.ContainsKey(rangeOnly))
            {
                throw ApiException.BadRequest(rangeOnly, "does not apply to a tail (log-tailing.md)");
            }
        }

        return (Time(query, "startTime") ?? now - DefaultWindow, now);
    }

    private static Func<string, bool> Filter(IQueryCollection query)
    {
        var given = Filters.Where(query.ContainsKey).ToList();
        if (given.Count > 1)
        {
            throw ApiException.BadRequest(given[1], "only one text or regex filter can be used (log-tailing.md)");
        }

        if (given.Count == 0)
        {
            return _ => true;
        }

        var value = query[given[0]].ToString();
        if (given[0].StartsWith("text", StringComparison.Ordinal))
        {
            var includes = given[0] == "textIncludes";
            return log => log.Contains(value, StringComparison.Ordinal) == includes;
        }

        Regex regex;
        try
        {
            regex = new Regex(value, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw ApiException.BadRequest(given[0], $"is not a valid regular expression ({e.Message})");
        }

        var matchIncludes = given[0] == "regexIncludes";
        return log => regex.IsMatch(log) == matchIncludes;
    }

    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        if (!query.ContainsKey(name))
        {
            return null;
        }

        return DateTimeOffset.TryParse(query[name].ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw ApiException.BadRequest(name, "must be a date-time such as 2023-02-16T14:00:00.000Z");
    }

    private static int PositiveInt(IQueryCollection query, string name) =>
        int.TryParse(query[name].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw ApiException.BadRequest(name, "must be a positive whole number");
}
