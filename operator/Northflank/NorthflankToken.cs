using System.Security.Cryptography;
using System.Text;

namespace SandboxOperator.Northflank;

/// <summary>
/// An API token. It prints as a short fingerprint, never as its value, so it can be logged, put in a
/// dictionary key or an exception without leaking.
/// </summary>
public sealed class NorthflankToken : IEquatable<NorthflankToken>
{
    private readonly string value;

    public NorthflankToken(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        this.value = value.Trim();
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(this.value)))[..12];
    }

    /// <summary>First 12 hex digits of the token's SHA-256: stable, and safe to show.</summary>
    public string Fingerprint { get; }

    /// <summary>The secret itself; only the HTTP layer may call this.</summary>
    public string Reveal() => value;

    public bool Equals(NorthflankToken? other) => other is not null && other.value == value;

    public override bool Equals(object? obj) => Equals(obj as NorthflankToken);

    public override int GetHashCode() => value.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => $"token:{Fingerprint}";
}
