using System.Security.Cryptography;
using System.Text;

namespace SandboxOperator.Northflank.Wire;

/// <summary>
/// An API token. It prints as a short fingerprint, never as its value, so it can be logged, put in a
/// dictionary key or an exception without leaking.
/// </summary>
/// <remarks>
/// Only a value that can be sent as a bearer token becomes one: visible ASCII characters, after whitespace around
/// the value is trimmed (a Secret made with <c>kubectl create secret --from-file</c> of a one-line file ends in a
/// newline, which is dropped). Anything else (a line break inside, a non-ASCII or control character, a space) is
/// refused here with <see cref="InvalidTokenException"/>, before the value reaches the HTTP layer, whose own refusals
/// quote the header's value in their messages and would put the token into logs. So no invalid token ever reaches a
/// request, by construction.
/// </remarks>
public sealed class NorthflankToken : IEquatable<NorthflankToken>
{
    private readonly string value;

    /// <exception cref="InvalidTokenException">The value cannot be a token; its message says why, never the value.</exception>
    public NorthflankToken(string value)
    {
        if (ProblemWith(value) is { } problem)
        {
            throw new InvalidTokenException(problem);
        }

        this.value = value.Trim();
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(this.value)))[..12];
    }

    /// <summary>First 12 hex digits of the token's SHA-256: stable, and safe to show.</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// Why <paramref name="value"/> cannot be a token (e.g. "contains a line break"), naming the kind of character and
    /// never the value or where in it; null when it can. Whitespace around the value does not count: it is trimmed.
    /// </summary>
    public static string? ProblemWith(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "is empty";
        }

        var trimmed = value.AsSpan().Trim();
        if (trimmed.ContainsAny('\r', '\n'))
        {
            return "contains a line break (a token is one line; only whitespace around it is trimmed)";
        }

        foreach (var c in trimmed)
        {
            if (c > '\u007e')
            {
                return c == '\u007f' ? "contains a control character" : "contains a non-ASCII character";
            }

            if (c < ' ')
            {
                return "contains a control character";
            }

            if (c == ' ')
            {
                return "contains a space";
            }
        }

        return null;
    }

    /// <summary>The secret itself; only the HTTP layer may call this.</summary>
    public string Reveal() => value;

    public bool Equals(NorthflankToken? other) => other is not null && other.value == value;

    public override bool Equals(object? obj) => Equals(obj as NorthflankToken);

    public override int GetHashCode() => value.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => $"token:{Fingerprint}";
}

/// <summary>
/// A value that cannot be a token (see <see cref="NorthflankToken.ProblemWith"/>). Its message says what is wrong
/// with the value, never the value.
/// </summary>
public sealed class InvalidTokenException(string problem) : Exception($"the token {problem}")
{
    /// <summary>What is wrong, e.g. "contains a line break".</summary>
    public string Problem { get; } = problem;
}
