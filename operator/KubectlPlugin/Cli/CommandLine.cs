using System.Globalization;

namespace KubectlSandbox.Cli;

/// <summary>
/// Reads a command line the way kubectl does: flags before or after the verb, <c>--flag value</c>, <c>--flag=value</c>,
/// <c>-n value</c>, short booleans together (<c>-it</c>), and everything after <c>--</c> as the remote command. Hand
/// written rather than a parser library: the grammar is kubectl's, small, and the tests pin it.
/// </summary>
internal static class CommandLine
{
    private static readonly Dictionary<char, string> ShortNames = new() { ['n'] = "namespace", ['i'] = "stdin", ['t'] = "tty", ['f'] = "follow", ['h'] = "help" };
    private static readonly HashSet<string> Valued = ["kubeconfig", "context", "namespace", "since", "tail", "for", "timeout"];
    private static readonly HashSet<string> Booleans = ["stdin", "tty", "follow", "timestamps", "help"];
    private static readonly HashSet<string> Global = ["kubeconfig", "context", "namespace", "help"];

    private static readonly Dictionary<string, string[]> VerbFlags = new()
    {
        ["exec"] = ["stdin", "tty"],
        ["logs"] = ["follow", "since", "tail", "timestamps"],
        ["cp"] = [],
        ["url"] = [],
        ["pause"] = [],
        ["resume"] = [],
        ["wait"] = ["for", "timeout"],
    };

    public static Verb Parse(IReadOnlyList<string> args)
    {
        var (words, flags, command) = Tokenize(args);
        if (flags.ContainsKey("help") || words.Count == 0)
        {
            return new HelpVerb();
        }

        var verb = words[0];
        if (!VerbFlags.TryGetValue(verb, out var allowed))
        {
            throw new UsageException($"unknown verb '{verb}' (exec, logs, cp, url, pause, resume, wait)");
        }

        if (flags.Keys.FirstOrDefault(f => !Global.Contains(f) && !allowed.Contains(f)) is { } stray)
        {
            throw new UsageException($"{verb} takes no --{stray}");
        }

        if (command is not null && verb != "exec")
        {
            throw new UsageException($"{verb} takes no command after --");
        }

        var target = new Target(flags.GetValueOrDefault("kubeconfig"), flags.GetValueOrDefault("context"), flags.GetValueOrDefault("namespace"));
        var positional = words.Skip(1).ToList();
        return verb switch
        {
            "exec" => Exec(target, positional, flags, command),
            "logs" => Logs(target, Single(verb, positional), flags),
            "cp" => Copy(target, positional),
            "wait" => Wait(target, Single(verb, positional), flags),
            _ => new SandboxVerb(target, verb, Single(verb, positional)),
        };
    }

    private static ExecVerb Exec(Target target, List<string> positional, Dictionary<string, string> flags, List<string>? command)
    {
        var name = Single("exec", positional);
        if (command is not { Count: > 0 })
        {
            throw new UsageException("exec needs a command after --, e.g. exec NAME -- sh -c 'echo hi'");
        }

        return new ExecVerb(target, name, Flag(flags, "stdin"), Flag(flags, "tty"), command);
    }

    private static LogsVerb Logs(Target target, string name, Dictionary<string, string> flags)
    {
        var since = flags.TryGetValue("since", out var s) ? Duration.Parse("since", s) : (TimeSpan?)null;
        int? tail = null;
        if (flags.TryGetValue("tail", out var t))
        {
            tail = int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= -1
                ? (n == -1 ? null : n)
                : throw new UsageException($"--tail: '{t}' is not a number of lines (-1 for all)");
        }

        return new LogsVerb(target, name, Flag(flags, "follow"), since, tail, Flag(flags, "timestamps"));
    }

    private static CopyVerb Copy(Target target, List<string> positional)
    {
        if (positional.Count != 2)
        {
            throw new UsageException("cp takes a source and a destination: cp NAME:/remote/path ./local or cp ./local NAME:/remote/path");
        }

        var (source, destination) = (CopyPath.Parse(positional[0]), CopyPath.Parse(positional[1]));
        return source.IsRemote == destination.IsRemote
            ? throw new UsageException("cp: exactly one of source and destination is NAME:PATH in a Sandbox")
            : new CopyVerb(target, source, destination);
    }

    private static WaitVerb Wait(Target target, string name, Dictionary<string, string> flags)
    {
        var condition = flags.GetValueOrDefault("for", "condition=Ready");
        var parts = condition.Split('=');
        if (parts is not ["condition", { Length: > 0 }] and not ["condition", { Length: > 0 }, _] || parts.Length == 3 && !bool.TryParse(parts[2], out _))
        {
            throw new UsageException($"--for: '{condition}' is not condition=TYPE or condition=TYPE=true|false");
        }

        var timeout = flags.TryGetValue("timeout", out var t) ? Duration.Parse("timeout", t) : TimeSpan.FromSeconds(30);
        return new WaitVerb(target, name, parts[1], parts.Length < 3 || bool.Parse(parts[2]), timeout);
    }

    private static string Single(string verb, List<string> positional) =>
        positional.Count == 1 ? positional[0] : throw new UsageException($"{verb} takes one Sandbox NAME, got {positional.Count} arguments");

    private static bool Flag(Dictionary<string, string> flags, string name) =>
        flags.TryGetValue(name, out var value) && (bool.TryParse(value, out var b) ? b : throw new UsageException($"--{name}: '{value}' is not true or false"));

    private static (List<string> Words, Dictionary<string, string> Flags, List<string>? Command) Tokenize(IReadOnlyList<string> args)
    {
        var (words, flags) = (new List<string>(), new Dictionary<string, string>());
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                return (words, flags, args.Skip(i + 1).ToList());
            }

            if (arg.Length < 2 || arg[0] != '-')
            {
                words.Add(arg);
                continue;
            }

            foreach (var (name, inline) in Names(arg))
            {
                if (!Valued.Contains(name) && !Booleans.Contains(name))
                {
                    throw new UsageException($"unknown flag {arg}");
                }

                flags[name] = inline ?? (Booleans.Contains(name) ? "true" : ++i < args.Count ? args[i] : throw new UsageException($"{arg} needs a value"));
            }
        }

        return (words, flags, null);
    }

    /// <summary>The long names in one flag word, with a value given inline (<c>--a=b</c>, <c>-nb</c>, <c>-n=b</c>).</summary>
    private static IEnumerable<(string Name, string? Inline)> Names(string arg)
    {
        if (arg.StartsWith("--", StringComparison.Ordinal))
        {
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            return [eq < 0 ? (arg[2..], null) : (arg[2..eq], arg[(eq + 1)..])];
        }

        var first = ShortNames.GetValueOrDefault(arg[1]) ?? throw new UsageException($"unknown flag {arg}");
        if (Valued.Contains(first) || arg.Length > 2 && arg[2] == '=')
        {
            return [(first, arg.Length == 2 ? null : arg[(arg[2] == '=' ? 3 : 2)..])];
        }

        return arg[1..].Select(c => ShortNames.TryGetValue(c, out var n) && Booleans.Contains(n) ? (n, (string?)null) : throw new UsageException($"unknown flag {arg}"));
    }
}
