using System.Text.Json;
using System.Text.Json.Nodes;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Streaming;

/// <summary>
/// The init frame's <c>context</c> of an exec, turned into a process to start. execute-command.md: <c>command</c> is a
/// string or an array; with <c>shell</c> "none" it runs without a shell (a string is split at whitespace, the
/// simulator's reading); with a shell such as "bash -c" the shell's words get the command as one more argument (an
/// array joined with spaces); without <c>shell</c> "several shells are attempted": the first of bash and sh that
/// exists, with <c>-c</c>. No command opens that shell itself, reading stdin. <c>encoding</c> is how output (and
/// stdin) travel in frames: utf8 (default) or base64 (the client's file copy uses it).
/// </summary>
internal sealed record ExecRequest(IReadOnlyList<string> Arguments, bool Tty, int? Rows, int? Columns, bool Base64, string? ContainerName)
{
    private static readonly string[] Known =
        ["command", "shell", "tty", "ttyRows", "ttyColumns", "encoding", "containerName", "instanceName", "user", "group", "teamId", "projectId", "serviceId"];

    private static readonly string[] Shells = ["/bin/bash", "/usr/bin/bash", "/bin/sh", "/usr/bin/sh"];

    /// <exception cref="ApiException">400 naming the <c>context</c> field that cannot be honoured.</exception>
    public static ExecRequest Parse(JsonObject? context, string currentUser, Func<string, bool> fileExists)
    {
        context ??= [];
        foreach (var (name, _) in context)
        {
            if (!Known.Contains(name, StringComparer.Ordinal))
            {
                throw ApiException.BadRequest($"context.{name}", "is not an exec option (execute-command.md)");
            }
        }

        foreach (var name in new[] { "user", "group" })
        {
            // Commands run as the simulator's own user: a request for another identity cannot be honoured.
            if (context[name] is { } identity && identity.ToString() != currentUser)
            {
                throw ApiException.BadRequest($"context.{name}", $"the simulator runs commands only as its own user '{currentUser}'");
            }
        }

        var encoding = Text(context, "encoding") ?? "utf8";
        if (encoding is not ("utf8" or "utf-8" or "base64"))
        {
            throw ApiException.BadRequest("context.encoding", "must be utf8 or base64 in the simulator");
        }

        var arguments = CommandLine(context["command"], context.ContainsKey("shell") ? Text(context, "shell") : null, context.ContainsKey("shell"), fileExists);
        return new ExecRequest(arguments, Flag(context, "tty"), Size(context, "ttyRows"), Size(context, "ttyColumns"), encoding == "base64",
            Text(context, "containerName") ?? Text(context, "instanceName"));
    }

    private static List<string> CommandLine(JsonNode? command, string? shell, bool shellGiven, Func<string, bool> fileExists)
    {
        List<string>? words = command switch
        {
            null => null,
            JsonArray array when array.Count > 0 && array.All(a => a?.GetValueKind() == JsonValueKind.String) => [.. array.Select(a => a!.GetValue<string>())],
            JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Trim().Length > 0 => [value.GetValue<string>()],
            _ => throw ApiException.BadRequest("context.command", "must be a non-empty string or a non-empty array of strings"),
        };
        var asText = words is null ? null : string.Join(' ', words);
        if (shellGiven && shell is null)
        {
            throw ApiException.BadRequest("context.shell", "must be a string (\"none\" for no shell)");
        }

        if (shell == "none")
        {
            return words is null
                ? throw ApiException.BadRequest("context.command", "is required when shell is \"none\"")
                : command is JsonArray ? words : [.. SplitWords(asText!)];
        }

        var shellWords = shell is not null
            ? SplitWords(shell)
            : [Shells.FirstOrDefault(fileExists) ?? throw new ApiException(500, "simulator-bug", "No shell (bash or sh) found on the simulator's host")];
        if (shellWords.Count == 0)
        {
            throw ApiException.BadRequest("context.shell", "must name a shell, e.g. \"bash -c\"");
        }

        if (asText is null)
        {
            return shellWords;
        }

        return shell is null ? [.. shellWords, "-c", asText] : [.. shellWords, asText];
    }

    private static List<string> SplitWords(string text) => [.. text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)];

    private static string? Text(JsonObject context, string name) => context[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw ApiException.BadRequest($"context.{name}", "must be a string"),
    };

    private static bool Flag(JsonObject context, string name) => context[name] switch
    {
        null => false,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => throw ApiException.BadRequest($"context.{name}", "must be a boolean"),
    };

    /// <summary>Terminal rows or columns: 1–10000 (a choice; the reference gives no range).</summary>
    public static int? Size(JsonObject context, string name, string path = "context") => context[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var size) && size is >= 1 and <= 10000 => size,
        _ => throw ApiException.BadRequest($"{path}.{name}", "must be a whole number from 1 to 10000"),
    };
}
