namespace IntegrationTests.Chart;

/// <summary>values.schema.json turns a wrong value into an install-time error that names it.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ChartSchemaTests
{
    [TestCase("replicaCount=two", "/replicaCount", TestName = "A string where an integer belongs")]
    [TestCase("operator.leaderElection=maybe", "/operator/leaderElection", TestName = "Not a boolean")]
    [TestCase("image.pullPolicy=Sometimes", "/image/pullPolicy", TestName = "An unknown enum value")]
    [TestCase("operator.workers=0", "/operator/workers", TestName = "Below the minimum")]
    [TestCase("watchNamespaces={Team_A}", "/watchNamespaces/0", TestName = "Not a namespace name")]
    [TestCase("healthPort=80", "/healthPort", TestName = "A privileged port for a non-root pod")]
    [TestCase("operator.northflankUrl=api.northflank.com", "/operator/northflankUrl", TestName = "A URL without a scheme")]
    [TestCase("replicaCaunt=2", "replicaCaunt", TestName = "A typo in a key")]
    public async Task Bad_value_fails_template_and_lint_naming_the_path(string setting, string expectedInMessage)
    {
        var template = await ChartHelm.RunAsync(["template", "nso", ChartHelm.ChartDirectory, "--set", setting]);
        var lint = await ChartHelm.RunAsync(["lint", ChartHelm.ChartDirectory, "--set", setting]);

        Assert.That(template.Succeeded, Is.False, template.Describe());
        Assert.That(template.StandardError, Does.Contain(expectedInMessage));
        Assert.That(lint.Succeeded, Is.False, lint.Describe());
        Assert.That(lint.StandardOutput + lint.StandardError, Does.Contain(expectedInMessage));
    }

    [Test]
    public async Task Good_values_pass_the_schema()
    {
        var template = await ChartHelm.RunAsync(
        [
            "template", "nso", ChartHelm.ChartDirectory,
            "--set", "replicaCount=3", "--set", "watchNamespaces={team-a}", "--set", "operator.workers=8",
            "--set", "image.digest=sha256:" + new string('a', 64), "--set", "podDisruptionBudget.minAvailable=50%",
            "--set", "operator.extraArgs={--drift-check-interval=00:10:00}",
        ]);

        Assert.That(template.Succeeded, Is.True, template.Describe());
    }
}
