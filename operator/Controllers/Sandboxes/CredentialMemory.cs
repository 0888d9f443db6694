using System.Collections.Concurrent;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// The last token that worked for each Sandbox. Deleting a namespace removes its Secrets at once while the
/// Sandboxes wait for their finalizers, so cleanup falls back to the token it last saw.
/// </summary>
public sealed class CredentialMemory
{
    private readonly ConcurrentDictionary<string, NorthflankToken> tokens = new();

    public void Remember(Sandbox sandbox, NorthflankToken token) => tokens[SandboxKey.Of(sandbox)] = token;

    public NorthflankToken? Recall(Sandbox sandbox) => tokens.GetValueOrDefault(SandboxKey.Of(sandbox));

    public void Forget(Sandbox sandbox) => tokens.TryRemove(SandboxKey.Of(sandbox), out _);

}
