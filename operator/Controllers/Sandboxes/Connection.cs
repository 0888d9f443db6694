using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// What the <see cref="SandboxConnector"/> resolved for a Sandbox: exactly one of the cases below, each carrying what
/// holds in it and nothing that does not. Only a <see cref="Reached"/> connection goes on to Northflank; every other
/// case is decided by <see cref="SandboxPlanner.Connected"/> without a call.
/// </summary>
public abstract record Connection
{
    // Closed: the cases below are all there are.
    private Connection()
    {
    }

    /// <summary>Northflank can be reached for the Sandbox: where its service is (or is to be) and the client bound there.</summary>
    /// <param name="Use">The token's client, worker slots and circuit, for this Sandbox.</param>
    /// <param name="External">The Sandbox's Northflank resources, as the reconcile reads and writes them.</param>
    public abstract record Reached(SandboxTarget Target, TokenUse Use, NorthflankToken Token, ISandboxExternal External) : Connection;

    /// <summary>A live Sandbox, with what its spec asks of Northflank.</summary>
    public sealed record Live(SandboxTarget Target, TokenUse Use, NorthflankToken Token, ISandboxExternal External, DesiredState Desired)
        : Reached(Target, Use, Token, External);

    /// <summary>A deleting Sandbox, at the service it recorded (or the one its name would have made).</summary>
    public sealed record Deleting(SandboxTarget Target, TokenUse Use, NorthflankToken Token, ISandboxExternal External)
        : Reached(Target, Use, Token, External);

    /// <summary>A live Sandbox's inputs are refused (missing reference, config or policy): <paramref name="Reason"/> says which.</summary>
    /// <param name="ServiceUnaffected">See <see cref="InvalidInputException.ServiceUnaffected"/>.</param>
    public sealed record Refused(string Reason, string Message, bool ServiceUnaffected) : Connection;

    /// <summary>
    /// An unclaimed pooled Sandbox made from another spec of its template (<see cref="TemplatePin"/>): left as it is, its
    /// pool replaces it.
    /// </summary>
    public sealed record Held(string Message) : Connection;

    /// <summary>A deleting Sandbox has no token: its recorded config or its Secret is gone, and none from it is remembered.</summary>
    public sealed record NoCredentials(string Message) : Connection;

    /// <summary>A deleting Sandbox's project is outside its config: nothing is deleted there.</summary>
    public sealed record ProjectNotAllowed(string Message) : Connection;

    /// <summary>A deleting Sandbox recorded no service and has no place one could be: nothing to delete.</summary>
    public sealed record NothingRecorded : Connection;
}
