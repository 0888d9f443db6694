using ArchUnitNET.Loader;

namespace UnitTests.Architecture;

/// <summary>
/// Every rule of <see cref="ArchitectureTests"/> fails when its arrow is broken: the same <see cref="FolderRules"/>,
/// held to <see cref="SyntheticOperator"/>, report each back-arrow there (and nothing its row allows).
/// </summary>
public class ArchitectureRulesCatchTests
{
    private const string Root = "SandboxOperator";
    private const string Ns = Root + ".";

    private static readonly Lazy<FolderRules> Rules = new(() => RulesFor(SyntheticOperator.Runtime));
    private static readonly Lazy<FolderRules> LeakyRuntimeRules = new(() => RulesFor(SyntheticOperator.LeakyRuntime));

    [TestCase("Api", Ns + "Api.Spec", Ns + "Hosting.Host")]
    [TestCase("Telemetry", Ns + "Telemetry.Meter", Ns + "Api.Spec")]
    [TestCase("Northflank", Ns + "Northflank.Client", Ns + "Controllers.Configs.AccessAllowed")]
    [TestCase("Controllers.Common", Ns + "Controllers.Common.Condition", Ns + "Northflank.ClientAllowed")]
    [TestCase("Controllers.Configs", Ns + "Controllers.Configs.Access", Ns + "Controllers.Sandboxes.ReconcilerAllowed")]
    [TestCase("Controllers.Sandboxes", Ns + "Controllers.Sandboxes.Reconciler", "ControllerRuntime.ObjectKey")]
    [TestCase("Controllers.Templates.Setup", Ns + "Controllers.Templates.Setup.TemplateSetup ", Ns + "Controllers.Sandboxes.ReconcilerAllowed")]
    public void A_back_arrow_out_of_a_folder_breaks_its_row(string folder, string from, string to)
    {
        var violations = Rules.Value.Violations(Rules.Value.For(folder)!);

        Assert.That(violations, Has.Count.EqualTo(1), string.Join('\n', violations));
        Assert.That(violations[0], Does.Contain(from).And.Contain(to));
    }

    /// <summary>A kind's folder uses neither the runtime nor its own Setup; its Setup may use both it and the runtime.</summary>
    [Test]
    public void A_new_controller_folder_may_use_no_other_controller_folder_until_a_row_says_so()
    {
        Assert.That(Arrows.Table.Select(row => row.Folder), Does.Not.Contain("Controllers.Templates"), "the synthetic folder is new to the arrows");

        var violations = Rules.Value.Violations(Rules.Value.For("Controllers.Templates")!);

        Assert.That(violations, Has.Count.EqualTo(3), string.Join('\n', violations));
        Assert.That(violations, Has.One.Contain(Ns + "Controllers.Templates.Template ").And.Contain(Ns + "Controllers.Sandboxes.ReconcilerAllowed"));
        Assert.That(violations, Has.One.Contain(Ns + "Controllers.Templates.Hosted").And.Contain(Ns + "Hosting.Host"));
        Assert.That(violations, Has.One.Contain(Ns + "Controllers.Templates.UsesItsSetup").And.Contain(Ns + "Controllers.Templates.Setup.TemplateSetupAllowed"));
    }

    [Test]
    public void A_controller_that_uses_hosting_is_caught_in_any_controller_folder()
    {
        var violations = Rules.Value.Violations(Rules.Value.ControllersAvoidHosting());

        Assert.That(violations, Has.Count.EqualTo(1), string.Join('\n', violations));
        Assert.That(violations[0], Does.Contain(Ns + "Controllers.Templates.Hosted").And.Contain(Ns + "Hosting.Host"));
    }

    [Test]
    public void Hosting_may_use_everything() => Assert.That(Rules.Value.For("Hosting"), Is.Null);

    [Test]
    public void A_folder_without_a_row_is_found()
    {
        var folders = FolderRules.FoldersOf(SyntheticOperator.Ours, Root);

        Assert.That(folders, Does.Contain("Gadgets").And.Contain("Controllers.Templates").And.Contain("Controllers.Templates.Setup"));
        Assert.That(folders.Where(f => Arrows.MayUse(f) is null), Is.EqualTo(new[] { "Gadgets" }));
        Assert.That(() => Rules.Value.For("Gadgets"), Throws.ArgumentException);
    }

    [Test]
    public void A_runtime_that_names_a_type_of_the_operator_is_caught()
    {
        Assert.That(Rules.Value.Violations(Rules.Value.RuntimeUsesNothingOfOurs()), Is.Empty, "the stand-in runtime names nothing of ours");

        var violations = LeakyRuntimeRules.Value.Violations(LeakyRuntimeRules.Value.RuntimeUsesNothingOfOurs());

        Assert.That(violations, Has.Count.EqualTo(1), string.Join('\n', violations));
        Assert.That(violations[0], Does.Contain("ControllerRuntime.Leak").And.Contain(Ns + "Api.Spec"));
    }

    [Test]
    public void Namespaces_that_use_each_other_are_a_cycle()
    {
        var violations = Rules.Value.Violations(Rules.Value.NoCycles());

        Assert.That(violations, Is.Not.Empty);
        Assert.That(string.Join('\n', violations), Does.Contain("Controllers.Configs").And.Contain("Controllers.Sandboxes"));
    }

    private static FolderRules RulesFor(System.Reflection.Assembly runtime) =>
        new(new ArchLoader().LoadAssemblies(SyntheticOperator.Ours, runtime).Build(), Root, SyntheticOperator.Ours, runtime);
}
