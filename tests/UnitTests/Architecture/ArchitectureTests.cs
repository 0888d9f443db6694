using ArchUnitNET.Fluent;
using ArchUnitNET.Loader;
using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;
using Assembly = System.Reflection.Assembly;

namespace UnitTests.Architecture;

/// <summary>
/// The operator's folders use each other only along the arrows of operator/README.md ("Folders and arrows", the
/// <see cref="Arrows"/> table here); the controller runtime uses nothing of the operator; the operator's namespaces form
/// no cycle. Read from the compiled assemblies (every type a signature, field, attribute or method body names).
/// </summary>
public class ArchitectureTests
{
    private const string Root = "SandboxOperator";
    private static readonly Assembly Ours = typeof(Sandbox).Assembly;
    private static readonly Assembly Runtime = typeof(ObjectKey).Assembly;
    private static readonly Lazy<FolderRules> Rules = new(() =>
        new FolderRules(new ArchLoader().LoadAssemblies(Ours, Runtime).Build(), Root, Ours, Runtime));

    /// <summary>The folders with something to check: a row in the arrows that is not "everything" (Hosting).</summary>
    private static IEnumerable<string> Folders() =>
        FolderRules.FoldersOf(Ours, Root).Where(f => Arrows.MayUse(f) is { } mayUse && !mayUse.Contains(Arrows.Everything));

    [Test]
    public void Every_folder_of_the_operator_has_a_row_in_the_arrows()
    {
        var missing = FolderRules.FoldersOf(Ours, Root).Where(f => Arrows.MayUse(f) is null).Select(f => f == "" ? Root : $"{Root}.{f}");

        Assert.That(missing, Is.Empty, "a new folder outside Controllers needs a row in Arrows.Table and operator/README.md saying what it may use");
    }

    [TestCaseSource(nameof(Folders))]
    public void A_folder_uses_only_the_folders_its_row_names(string folder)
    {
        var rule = Rules.Value.For(folder) ?? throw new InvalidOperationException($"{folder} may use everything");

        AssertHolds(rule, $"{folder} may use only {Describe(Arrows.MayUse(folder)!)}");
    }

    [Test]
    public void No_controller_uses_hosting() =>
        AssertHolds(Rules.Value.ControllersAvoidHosting(), "Hosting wires controllers to the runtime; a controller takes what it needs through its constructor");

    [Test]
    public void Only_a_kinds_setup_and_hosting_may_use_the_runtime()
    {
        var others = Arrows.Table.Where(row => row.MayUse.Contains(Arrows.Runtime) && !IsSetup(row.Folder)).Select(row => row.Folder);

        Assert.That(others, Is.Empty, "a kind's reconcile and rules stay free of the runtime (table tests over fakes); its Setup subfolder connects them");
    }

    [Test]
    public void No_kind_uses_a_setup_folder()
    {
        var others = Arrows.Table.Where(row => !IsSetup(row.Folder) && row.Folder.StartsWith("Controllers.", StringComparison.Ordinal))
            .SelectMany(row => row.MayUse.Where(IsSetup).Select(setup => $"{row.Folder} → {setup}"));

        Assert.That(others, Is.Empty, "the arrows run one way: Hosting → a kind's Setup → the kind");
    }

    [Test]
    public void The_controller_runtime_uses_nothing_of_the_operator() =>
        AssertHolds(Rules.Value.RuntimeUsesNothingOfOurs(), "ControllerRuntime is a library for any operator (its README)");

    [Test]
    public void The_operators_namespaces_form_no_cycle() =>
        AssertHolds(Rules.Value.NoCycles(), "namespaces of SandboxOperator that use each other, directly or through others");

    [Test]
    public void The_readme_table_is_the_arrows_table()
    {
        var readme = ReadmeArrows.Read(Path.Combine(TestInfra.RepositoryRoot.Path, "operator", "README.md"));
        var table = Arrows.Table.ToDictionary(row => row.Folder, row => Describe(row.MayUse));

        Assert.That(readme, Is.EquivalentTo(table), "operator/README.md (Folders and arrows) and Arrows.Table say the same, row for row");
    }

    private static void AssertHolds(IArchRule rule, string what)
    {
        var violations = Rules.Value.Violations(rule);
        Assert.That(violations, Is.Empty, $"{what}:\n  {string.Join("\n  ", violations)}");
    }

    private static bool IsSetup(string folder) => folder == Arrows.AnySetup || Arrows.KindOfSetup(folder) is not null;

    internal static string Describe(IEnumerable<string> mayUse) =>
        mayUse.ToList() switch
        {
            [] => "nothing",
            [Arrows.Everything] => "everything",
            var folders => string.Join(", ", folders.Order(StringComparer.Ordinal)),
        };
}
