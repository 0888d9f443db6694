using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Binds an <see cref="ISandboxExternal"/> to one Sandbox, its token and its names on Northflank: what the
/// <see cref="SandboxConnector"/> resolved per Sandbox goes in here, and the external client is injected rather than
/// built inside the connector, so a test can put its own in place. What the reconcile remembers of the Sandbox is not
/// bound: the external is stateless, told what it needs per call and reporting what it did in its results.
/// </summary>
public interface ISandboxExternalFactory
{
    ISandboxExternal For(Sandbox sandbox, SandboxTarget target, TokenUse use, NorthflankToken token);
}

/// <summary>The external clients over Northflank's API (<see cref="NorthflankSandboxExternal"/>), sharing the project lists.</summary>
public sealed class NorthflankSandboxExternals(ServiceListCache lists, ReconcilerOptions options, TimeProvider time) : ISandboxExternalFactory
{
    public ISandboxExternal For(Sandbox sandbox, SandboxTarget target, TokenUse use, NorthflankToken token) =>
        new NorthflankSandboxExternal(use.Api, token, sandbox, target, lists, options.ClusterId, time);
}
