using System.CommandLine;
using System.CommandLine.Parsing;

namespace SandboxOperator.Hosting;

/// <summary>
/// Configuration keys on the command line, <c>--Section:Key VALUE</c> or <c>--Section:Key=VALUE</c>, for the settings
/// no flag has (docs/configuration.md) and for logging levels. They are the command's arguments, so anything that is
/// neither a flag nor such a key (a misspelt flag, a stray word) is refused rather than silently ignored.
/// </summary>
internal static class ConfigurationKeys
{
    public static Argument<string[]> CreateArgument(IReadOnlyList<Flag> flags)
    {
        var keys = new Argument<string[]>("configuration keys")
        {
            HelpName = "--Section:Key VALUE",
            Description = "any configuration key, e.g. --Operator:Northflank:MaxBudgetWait 00:00:10",
            Arity = ArgumentArity.ZeroOrMore,
        };
        keys.Validators.Add(result => Validate(result, flags));
        return keys;
    }

    /// <summary>
    /// Each key must start with --, name a section before a colon, and have a value. Only what looks like a flag is
    /// quoted in the message: a stray word could be a value meant for somewhere else, such as a token.
    /// </summary>
    private static void Validate(ArgumentResult result, IReadOnlyList<Flag> flags)
    {
        var tokens = result.Tokens.Select(t => t.Value).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!IsKey(token))
            {
                result.AddError(token.StartsWith('-')
                    ? $"{token.Split('=')[0]} is not a flag{Suggestion(token, flags)}; a configuration key is --Section:Key VALUE."
                    : "A word on the command line is neither a flag, nor a flag's value, nor a configuration key (not repeated here: it could be a secret).");
                return;
            }

            if (!token.Contains('=', StringComparison.Ordinal) && ++i == tokens.Count)
            {
                result.AddError($"{token} needs a value.");
                return;
            }
        }
    }

    private static bool IsKey(string token)
    {
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        var equals = token.IndexOf('=', StringComparison.Ordinal);
        return token.StartsWith("--", StringComparison.Ordinal) && colon > 2 && (equals < 0 || colon < equals);
    }

    private static string Suggestion(string token, IReadOnlyList<Flag> flags)
    {
        var stem = token.TrimStart('-').Split('=')[0];
        var near = flags.Select(f => f.Name).Where(n => stem.Length >= 3 && n[2..].StartsWith(stem[..3], StringComparison.OrdinalIgnoreCase)).ToList();
        return near.Count > 0 ? $" (did you mean {string.Join(" or ", near)}?)" : "";
    }
}
