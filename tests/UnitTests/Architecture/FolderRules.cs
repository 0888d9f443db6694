using System.Text.RegularExpressions;
using ArchUnitNET.Fluent;
using ArchUnitNET.Fluent.Slices;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using Assembly = System.Reflection.Assembly;
using LoadedTypes = ArchUnitNET.Domain.Architecture;

namespace UnitTests.Architecture;

/// <summary>
/// The rules the <see cref="Arrows"/> make, for the folders below <paramref name="root"/> in <paramref name="ours"/>
/// and for the <paramref name="runtime"/> assembly, checked on <paramref name="architecture"/>. Parameterized so that a
/// test can hold a synthetic, deliberately broken set of types to the very same rules.
/// </summary>
internal sealed class FolderRules(LoadedTypes architecture, string root, Assembly ours, Assembly runtime)
{
    private const string Because = "operator/README.md, Folders and arrows";

    /// <summary>The folders of <paramref name="assembly"/> below <paramref name="root"/> that hold types, e.g. Api, Controllers.Sandboxes; "" for types right in the root.</summary>
    public static IReadOnlyList<string> FoldersOf(Assembly assembly, string root) =>
        assembly.GetTypes().Select(t => t.Namespace).OfType<string>()
            .Where(ns => ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal))
            .Select(ns => ns == root ? "" : Arrows.FolderOf(ns[(root.Length + 1)..]))
            .Distinct().Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> Folders() => FoldersOf(ours, root);

    /// <summary>
    /// The folder's types use no folder of ours that its row leaves out, nor the runtime unless the row names it. A
    /// folder may always use itself, and a kind's Setup its kind. Null for a folder that may use everything (nothing to check).
    /// </summary>
    public IArchRule? For(string folder)
    {
        var mayUse = Arrows.MayUse(folder) ?? throw new ArgumentException($"folder '{folder}' has no row in the arrows", nameof(folder));
        if (mayUse.Contains(Arrows.Everything))
        {
            return null;
        }

        var allowed = mayUse.Where(f => f != Arrows.Runtime).Append(folder).Concat(Arrows.KindOfSetup(folder) is { } kind ? [kind] : []).ToHashSet();
        var subjects = Types().That().ResideInAssembly(ours).And().ResideInNamespaceMatching(AnyOf(NamespacesOf(f => f == folder)));
        var forbiddenOfOurs = Types().That().ResideInNamespaceMatching(AnyOf(NamespacesOf(f => !allowed.Contains(f))));
        var forbidden = mayUse.Contains(Arrows.Runtime) ? forbiddenOfOurs : forbiddenOfOurs.Or().ResideInAssembly(runtime);
        return subjects.Should().NotDependOnAny(forbidden).Because(Because);
    }

    /// <summary>No controller folder, named in the arrows or new, uses the composition root.</summary>
    public IArchRule ControllersAvoidHosting() =>
        Types().That().ResideInAssembly(ours).And().ResideInNamespaceMatching(Below($"{root}.Controllers"))
            .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(Below($"{root}.Hosting")))
            .Because(Because);

    /// <summary>The runtime is a library for any operator: nothing in it names a type of ours.</summary>
    public IArchRule RuntimeUsesNothingOfOurs() =>
        Types().That().ResideInAssembly(runtime)
            .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(Below(root)))
            .Because(Because);

    /// <summary>No namespace below the root depends, directly or through others, on one that depends on it.</summary>
    public IArchRule NoCycles() =>
        SliceRuleDefinition.Slices().Matching($"{root}.(**)").Should().BeFreeOfCycles();

    /// <summary>What the rule reports for each type (or cycle) that breaks it; empty when it holds.</summary>
    public IReadOnlyList<string> Violations(IArchRule rule) =>
        rule.Evaluate(architecture).Where(result => !result.Passed).Select(result => result.Description).ToList();

    private static string Below(string ns) => $"^{Regex.Escape(ns)}(?:\\..*)?$";

    /// <summary>The namespaces of ours below the root whose folder <paramref name="folder"/> accepts.</summary>
    private IEnumerable<string> NamespacesOf(Func<string, bool> folder) =>
        ours.GetTypes().Select(t => t.Namespace).OfType<string>()
            .Where(ns => ns.StartsWith(root + ".", StringComparison.Ordinal) && folder(Arrows.FolderOf(ns[(root.Length + 1)..])))
            .Distinct();

    /// <summary>Exactly these namespaces (none when empty).</summary>
    private static string AnyOf(IEnumerable<string> namespaces) =>
        namespaces.ToList() is { Count: > 0 } list ? $"^(?:{string.Join('|', list.Select(Regex.Escape))})$" : "^(?!)$";
}
