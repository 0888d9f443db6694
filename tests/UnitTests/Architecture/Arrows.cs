namespace UnitTests.Architecture;

/// <summary>
/// The arrows between the operator's folders: which folders of ours each folder may use, besides itself. This table
/// and the one in operator/README.md ("Folders and arrows") must agree: <see cref="ArchitectureTests"/> reads the
/// README and fails when they differ, so an arrow is added in both or in neither.
/// </summary>
/// <remarks>
/// A folder is a namespace below <c>SandboxOperator</c> (its first segment, two under <c>Controllers</c>), or the
/// <c>ControllerRuntime</c> assembly. Controller folders use each other only where a row here says so; a controller
/// folder without a row of its own (a new one, such as Controllers.Templates) is held to <see cref="AnyController"/>,
/// which names no other controller folder. A new folder outside Controllers has no row and fails the tests until it
/// gets one.
/// </remarks>
internal static class Arrows
{
    public const string AnyController = "Controllers.*";

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
        ("Northflank", ["Telemetry"]),
        ("Controllers.Common", ["Api", "Telemetry"]),
        ("Controllers.Configs", ["Api", "Northflank", "Telemetry", "Controllers.Common"]),
        // A Sandbox may name a template: the merge of the two is Templates' (TemplateMerge).
        ("Controllers.Sandboxes", ["Api", "Northflank", "Telemetry", "Controllers.Common", "Controllers.Configs", "Controllers.Templates"]),
        // Pools and claims never call Northflank: a Sandbox's own controller does, for the Sandboxes they make and bind.
        ("Controllers.WarmPools", ["Api", "Telemetry", "Controllers.Common", "Controllers.Templates"]),
        // A claim takes from a pool (its labels, its template's spec hash) and reads a lifecycle duration as Sandboxes do.
        ("Controllers.Claims", ["Api", "Telemetry", "Controllers.Common", "Controllers.Templates", "Controllers.WarmPools", "Controllers.Sandboxes"]),
        // What every controller shares (conditions, reading references) is Common's: a new controller may use it.
        (AnyController, ["Api", "Northflank", "Telemetry", "Controllers.Common"]),
        ("Hosting", [Everything]),
        (Runtime, []),
    ];

    /// <summary>The folder a namespace below the root belongs to, e.g. Api.V1Alpha1 → Api, Controllers.Sandboxes → Controllers.Sandboxes.</summary>
    public static string FolderOf(string relativeNamespace)
    {
        var parts = relativeNamespace.Split('.');
        return parts is ["Controllers", var folder, ..] ? $"Controllers.{folder}" : parts[0];
    }

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

        return folder.StartsWith("Controllers.", StringComparison.Ordinal) ? MayUse(AnyController) : null;
    }
}
