using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Northflank;

/// <summary>Hands out one <see cref="INorthflankApi"/> per API token, sharing that token's request budget.</summary>
public interface INorthflankApiFactory
{
    /// <summary>The token's client, for a call on nobody's behalf (its state goes when no holder uses the token).</summary>
    INorthflankApi ForToken(NorthflankToken token);

    /// <summary>
    /// The token's client, lanes and circuit for <paramref name="holder"/> (e.g. a Sandbox's uid), counted as using the
    /// token until <see cref="Release"/> or until the same holder uses another token.
    /// </summary>
    TokenUse Use(string holder, NorthflankToken token);

    /// <summary>The holder uses no token any more; a token no holder uses is dropped after a grace period.</summary>
    void Release(string holder);
}
