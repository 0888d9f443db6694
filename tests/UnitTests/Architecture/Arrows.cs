namespace UnitTests.Architecture;

/// <summary>
/// The arrows between the operator's folders: which folders of ours each folder may use, besides itself. This table
/// and the one in operator/README.md ("Folders and arrows") must agree: <see cref="ArchitectureTests"/> reads the
/// README and fails when they differ, so an arrow is added in both or in neither.
/// </summary>
/// <remarks>
/// A folder is a namespace below <c>SandboxOperator</c> (its first segment; two under <c>Controllers</c>, three for a
/// kind's <c>Setup</c>), or the <c>ControllerRuntime</c> assembly. A kind's folder (<c>Controllers.Sandboxes</c>) holds
/// its reconcile and rules and never the runtime; its <c>Setup</c> subfolder connects them to the runtime (the
/// controller adapter, watches, mappers, the adapters behind its ports) and may use its own kind besides its row. No
/// kind's folder uses a Setup folder, and no controller folder uses Hosting: the arrows run Hosting → Setup → kind.
/// Controller folders use each other only where a row here says so; a controller folder without a row of its own (a
/// new kind) is held to <see cref="AnyController"/> or <see cref="AnySetup"/>, which name no other kind. A new folder
/// outside Controllers has no row and fails the tests until it gets one.
/// </remarks>
internal static class Arrows
{
    public const string AnyController = "Controllers.*";

    public const string AnySetup = "Controllers.*.Setup";

    /// <summary>The last segment of a kind's folder that connects it to the runtime.</summary>
    public const string SetupSegment = "Setup";

    /// <summary>The Northflank client's parts, folders of their own below <c>Northflank</c>.</summary>
    public const string WirePart = "Wire";

    public const string FlowControlPart = "FlowControl";

    /// <summary>The controller runtime, an assembly of its own (operator/ControllerRuntime, namespace ControllerRuntime).</summary>
    public const string Runtime = "ControllerRuntime";

    /// <summary>May use every folder of ours and the runtime: the composition root.</summary>
    public const string Everything = "*";

    public static readonly IReadOnlyList<(string Folder, string[] MayUse)> Table =
    [
        ("Api", []),
        // Telemetry holds names and meters that Northflank and Hosting use; it needs no Api type today, so it may not
        // use one: a metric that wants a Sandbox type takes its values from the caller instead.
        ("Telemetry", []),
        // The Northflank client: the wire (HTTP, JSON, Northflank's errors) knows nothing of budgets and asks an abstract
        // gate before each attempt; flow control (budget, window, lanes, circuit) is that gate and knows no JSON shape;
        // the root composes them per token (the factory, its options, a holder's use of a token).
        ("Northflank", ["Northflank.FlowControl", "Northflank.Wire", "Telemetry"]),
        ("Northflank.Wire", ["Telemetry"]),
        ("Northflank.FlowControl", ["Northflank.Wire"]),
        ("Controllers.Common", ["Api", "Telemetry"]),
        ("Controllers.Configs", ["Api", "Northflank", "Northflank.Wire", "Telemetry", "Controllers.Common"]),
        // A Sandbox may name a template: the merge of the two is Templates' (TemplateMerge).
        ("Controllers.Sandboxes", ["Api", "Northflank", "Northflank.FlowControl", "Northflank.Wire", "Telemetry", "Controllers.Common", "Controllers.Configs", "Controllers.Templates"]),
        // Pools and claims never call Northflank: a Sandbox's own controller does, for the Sandboxes they make and bind.
        ("Controllers.WarmPools", ["Api", "Telemetry", "Controllers.Common", "Controllers.Templates"]),
        // A claim takes from a pool (its labels, its template's spec hash) and reads a lifecycle duration as Sandboxes do.
        ("Controllers.Claims", ["Api", "Telemetry", "Controllers.Common", "Controllers.Templates", "Controllers.WarmPools", "Controllers.Sandboxes"]),
        // What every controller shares (conditions, reading references) is Common's: a new controller may use it.
        (AnyController, ["Api", "Northflank", "Northflank.FlowControl", "Northflank.Wire", "Telemetry", "Controllers.Common"]),
        // A kind's Setup: its controller, what wakes it (watches, mappers, cache sources) and the adapters behind its ports.
        // What every kind's setup shares: the status writer, the cache source, the Sandboxes pools and claims write.
        ("Controllers.Common.Setup", ["Api", Runtime, "Controllers.Common"]),
        ("Controllers.Templates.Setup", ["Api", Runtime, "Controllers.Common", "Controllers.Common.Setup"]),
        // Configs, Sandboxes and pools read templates through the template controller's cache (TemplateDirectory): a
        // config counts the Sandboxes that use it with their template's fields.
        ("Controllers.Configs.Setup", ["Api", Runtime, "Controllers.Common", "Controllers.Common.Setup", "Controllers.Templates.Setup"]),
        // Which Sandboxes a Secret, config or template concerns is read as the reconcile reads them (AccessResolver, TemplatePin);
        // a Northflank outage is a failure with the backoff it asks for.
        ("Controllers.Sandboxes.Setup", ["Api", "Northflank.Wire", "Telemetry", Runtime, "Controllers.Common", "Controllers.Common.Setup", "Controllers.Configs", "Controllers.Templates", "Controllers.Templates.Setup"]),
        ("Controllers.WarmPools.Setup", ["Api", Runtime, "Controllers.Common", "Controllers.Common.Setup", "Controllers.Templates.Setup"]),
        ("Controllers.Claims.Setup", ["Api", "Telemetry", Runtime, "Controllers.Common", "Controllers.Common.Setup"]),
        // A new kind's setup: the runtime and what every kind shares, nothing of another kind.
        (AnySetup, ["Api", "Northflank", "Northflank.Wire", "Telemetry", Runtime, "Controllers.Common", "Controllers.Common.Setup"]),
        // The connect API (sandboxes/exec, sandboxes/log) reaches a Sandbox's service by the delete path's rule
        // (RecordedService, AccessResolver, InputResolver); it runs no controller, so no runtime.
        ("Connect", ["Api", "Northflank", "Northflank.Wire", "Northflank.FlowControl", "Telemetry", "Controllers.Common", "Controllers.Configs", "Controllers.Sandboxes"]),
        ("Hosting", [Everything]),
        (Runtime, []),
    ];

    /// <summary>
    /// The folder a namespace below the root belongs to, e.g. Api.V1Alpha1 → Api, Controllers.Sandboxes → Controllers.Sandboxes,
    /// Controllers.Sandboxes.Setup → Controllers.Sandboxes.Setup.
    /// </summary>
    public static string FolderOf(string relativeNamespace)
    {
        var parts = relativeNamespace.Split('.');
        return parts switch
        {
            ["Controllers", var kind, SetupSegment, ..] => $"Controllers.{kind}.{SetupSegment}",
            ["Controllers", var kind, ..] => $"Controllers.{kind}",
            ["Northflank", var part and (WirePart or FlowControlPart), ..] => $"Northflank.{part}",
            _ => parts[0],
        };
    }

    /// <summary>The kind a Setup folder connects to the runtime (Controllers.Sandboxes.Setup → Controllers.Sandboxes); null for any other folder.</summary>
    public static string? KindOfSetup(string folder) =>
        folder.Split('.') is ["Controllers", var kind, SetupSegment] ? $"Controllers.{kind}" : null;

    /// <summary>What a folder may use, or null when the table has no row for it (nor a default that covers it).</summary>
    public static string[]? MayUse(string folder)
    {
        foreach (var (row, mayUse) in Table)
        {
            if (row == folder)
            {
                return mayUse;
            }
        }

        return KindOfSetup(folder) is not null ? MayUse(AnySetup)
            : folder.StartsWith("Controllers.", StringComparison.Ordinal) ? MayUse(AnyController)
            : null;
    }
}
