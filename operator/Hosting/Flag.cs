using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SandboxOperator.Hosting;

/// <summary>
/// One flag: a System.CommandLine option (its name, argument and help) and the configuration key its value is written
/// to, so the flag is one more way to set that key, beside <c>Operator__Name</c> environment variables.
/// </summary>
public abstract class Flag(string name, string argument, string key, string help)
{
    public string Name { get; } = name;

    /// <summary>The argument's shape in <c>--help</c>, e.g. <c>T</c> or <c>true|false</c>.</summary>
    public string Argument { get; } = argument;

    /// <summary>The configuration key the flag sets, e.g. <c>Operator:Workers</c>.</summary>
    public string Key { get; } = key;

    /// <summary>What the flag does, without its default.</summary>
    public string Help { get; } = help;

    /// <summary>The default as <c>--help</c> states it: read off a fresh <see cref="OperatorOptions"/> where it is one of its values.</summary>
    public abstract string? Default { get; }

    /// <summary>What the flag sets, as it stands in <paramref name="options"/> (as <c>--help</c> shows a default); null where no property says it.</summary>
    public abstract string? ReadFrom(OperatorOptions options);

    /// <summary>A new option for a command (an option belongs to the command it is added to).</summary>
    public abstract Option CreateOption();

    /// <summary>The value the command line gave, as configuration text (invariant culture), or null where it gave none.</summary>
    public abstract string? Setting(ParseResult result);
}

/// <summary>
/// A flag of type <typeparamref name="T"/>. Values are parsed in the invariant culture, as configuration binding parses
/// them, and a value that does not parse is refused naming the flag (no flag takes a secret, so the value is quoted).
/// </summary>
public sealed class Flag<T>(string name, string argument, string key, string help) : Flag(name, argument, key, help)
{
    /// <summary>Reads this flag's default off the options; unset where the default is no value (or only words can say it).</summary>
    public Func<OperatorOptions, T>? DefaultOf { get; init; }

    /// <summary>The default in words, where it is no single value (e.g. "all").</summary>
    public string? DefaultText { get; init; }

    /// <summary>The only values accepted (ordinal), e.g. Report and Delete; empty: any the type parses.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    public override string? Default => DefaultText ?? ReadFrom(new OperatorOptions());

    public override string? ReadFrom(OperatorOptions options) =>
        DefaultOf is { } read && read(options) is { } value ? FlagValues.Describe(value) : null;

    /// <summary>
    /// An option whose value is the configuration text, checked against <typeparamref name="T"/> as it is parsed. Its
    /// value type is string even for a bool: System.CommandLine would take a bool option's value only when it parses
    /// ("--leader-election no" would read as "--leader-election" and a stray "no"), not refuse it naming the flag.
    /// </summary>
    public override Option CreateOption()
    {
        var description = Default is { } value ? $"{Help} [default: {value}]" : Help;
        return new Option<string>(Name)
        {
            Description = description,
            HelpName = Argument,
            Arity = ArgumentArity.ExactlyOne,
            CustomParser = Parse,
        };
    }

    public override string? Setting(ParseResult result) =>
        result.GetResult(Name) is OptionResult { Implicit: false } given ? given.GetValueOrDefault<string>() : null;

    private string? Parse(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (Choices.Count > 0 && !Choices.Contains(text, StringComparer.Ordinal))
        {
            result.AddError($"{Name}: '{text}' is not one of {string.Join(", ", Choices)}.");
            return null;
        }

        if (FlagValues.TryParse<T>(text, out var value, out var expected))
        {
            return FlagValues.Format(value);
        }

        result.AddError($"{Name}: '{text}' is not {expected}.");
        return null;
    }
}

/// <summary>The types flags take, parsed and written back as configuration binding reads them (invariant culture).</summary>
internal static class FlagValues
{
    public static bool TryParse<T>(string text, out T? value, out string expected)
    {
        var parsed = Parse(typeof(T), text, out expected);
        value = parsed is null ? default : (T)parsed;
        return parsed is not null;
    }

    /// <summary>The value, or null and what was expected instead.</summary>
    private static object? Parse(Type type, string text, out string expected)
    {
        var invariant = CultureInfo.InvariantCulture;
        (object? value, expected) = type switch
        {
            _ when type == typeof(string) => (text, ""),
            _ when type == typeof(bool) => (bool.TryParse(text, out var b) ? b : null, "true or false"),
            _ when type == typeof(int) => (int.TryParse(text, NumberStyles.Integer, invariant, out var i) ? i : null, "a whole number"),
            _ when type == typeof(double) => (double.TryParse(text, NumberStyles.Float, invariant, out var d) ? d : null, "a number such as 2 or 0.5"),
            _ when type == typeof(TimeSpan) => (TimeSpan.TryParse(text, invariant, out var t) ? t : null,
                "a duration such as 00:00:00.75 or 1.00:00:00 ([d.]hh:mm:ss[.fff])"),
            _ when type == typeof(Uri) => (Uri.TryCreate(text, UriKind.Absolute, out var u) ? u : null, "an absolute URL"),
            { IsEnum: true } => (Enum.GetNames(type).FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase)) is { } name ? Enum.Parse(type, name) : null,
                $"one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}"),
            _ => throw new NotSupportedException($"a flag of type {type.Name}"),
        };
        return value;
    }

    /// <summary>A value as configuration text: configuration binding reads it back as the same value.</summary>
    public static string? Format<T>(T value) => value switch
    {
        null => null,
        Uri uri => uri.OriginalString,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>A default as <c>--help</c> shows it: durations without trailing zeros (00:00:00.75), enum values in lower case.</summary>
    public static string? Describe<T>(T value) => value switch
    {
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture) is var c && c.Contains('.', StringComparison.Ordinal) && span.Ticks % TimeSpan.TicksPerSecond != 0
            ? c.TrimEnd('0')
            : c,
        Enum e => e.ToString().ToLowerInvariant(),
        _ => Format(value),
    };
}
