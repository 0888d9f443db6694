using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Binds an <see cref="ISandboxExternal"/> to one Sandbox, its token and its names on Northflank: what the
/// <see cref="SandboxConnector"/> resolved per Sandbox goes in here, and the external client is injected rather than
/// built inside the connector, so a test can put its own in place.
/// </summary>
public interface ISandboxExternalFactory
{
    /// <param name="record">What the reconcile remembers of the Sandbox: the external reads and updates it.</param>
    ISandboxExternal For(Sandbox sandbox, SandboxRecord record, SandboxTarget target, TokenUse use, NorthflankToken token);
}

/// <summary>The external clients over Northflank's API (<see cref="NorthflankSandboxExternal"/>), sharing the project lists.</summary>
public sealed class NorthflankSandboxExternals(ServiceListCache lists, ReconcilerOptions options, TimeProvider time) : ISandboxExternalFactory
{
    public ISandboxExternal For(Sandbox sandbox, SandboxRecord record, SandboxTarget target, TokenUse use, NorthflankToken token) =>
        new NorthflankSandboxExternal(use.Api, token, sandbox, target, record, lists, options.ClusterId, time);
}
