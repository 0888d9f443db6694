using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Northflank;

/// <summary>
/// One holder's use of a token (see <see cref="INorthflankApiFactory.Use"/>): the token's client, its share of the
/// workers, and its circuit. Callers are named by an id the factory's wake callback understands (a Sandbox's
/// namespace/name), so a caller sent away can be woken when its token can serve it.
/// </summary>
public sealed class TokenUse(INorthflankApi api, TokenCircuit? circuit, TokenLanes lanes, string fingerprint)
{
    public INorthflankApi Api { get; } = api;

    /// <summary>The token's fingerprint: safe to show.</summary>
    public string Fingerprint { get; } = fingerprint;

    /// <summary>Takes one of the token's worker slots; false when the token holds its share (the caller is parked and woken).</summary>
    public bool TryEnter(string caller) => lanes.TryEnter(Fingerprint, caller);

    /// <summary>
    /// As <see cref="TryEnter(string)"/> for a caller of <paramref name="tenant"/> (its namespace): parked callers are
    /// woken by tenant in turn, so one namespace's burst on a shared token does not hold another's Sandbox back.
    /// </summary>
    public bool TryEnter(string caller, string? tenant) => lanes.TryEnter(Fingerprint, caller, tenant);

    /// <summary>Gives back the slot <see cref="TryEnter(string, string?)"/> took.</summary>
    public void Exit() => lanes.Exit(Fingerprint);

    /// <summary>Gives up <paramref name="caller"/>'s place in line (or the slot held for it): it goes on without a slot.</summary>
    public void Leave(string caller) => lanes.Leave(Fingerprint, caller);

    /// <summary>
    /// After a failure for want of an answer: wake <paramref name="caller"/> as soon as Northflank answers the token again.
    /// False when nothing will (no circuit, or it closed already): then the caller backs off as usual.
    /// </summary>
    public bool WakeOnRecovery(string caller) => circuit?.WakeOnRecovery(caller) ?? false;

    public override string ToString() => $"token-use:{Fingerprint}";
}
