using System.CommandLine;
using Microsoft.Extensions.Configuration;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Hosting;

namespace UnitTests.Hosting;

/// <summary>
/// The operator's command line as the program parses it (the same declaration, with recording actions): the values
/// flags give reach the options it binds, and a bad flag or value is refused, naming the flag, before anything runs.
/// </summary>
public class CommandLineTests
{
    [Test]
    public async Task Without_flags_the_operator_runs_on_the_defaults_of_its_options()
    {
        var run = await RunAsync();
        var options = Bind(run.Arguments!);
        var defaults = new OperatorOptions();

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.Error);
            Assert.That(run.Arguments!.Settings, Is.Empty, "no flag given, so none overrides the environment or appsettings");
            Assert.That(run.Arguments.ConfigurationKeys, Is.Empty);
            Assert.That(options.Workers, Is.EqualTo(defaults.Workers));
            Assert.That(options.ProgressPollInterval, Is.EqualTo(TimeSpan.FromSeconds(0.75)));
            Assert.That(options.LeaderElection, Is.True);
            Assert.That(options.Northflank.BaseUrl, Is.EqualTo(defaults.Northflank.BaseUrl));
        });
    }

    [Test]
    public async Task Each_type_of_flag_reaches_the_options_as_the_chart_and_tests_pass_it()
    {
        var run = await RunAsync(
            "--progress-poll-interval", "00:00:00.3", "--orphan-grace-period=1.02:03:04",
            "--leader-election", "false", "--allow-adoption=True",
            "--namespaces", "a,b", "--workers", "4", "--observation-calls-per-second", "0.5",
            "--observation", "NAIVE", "--orphan-policy", "Delete",
            "--northflank-url", "http://127.0.0.1:5000/", "--health-address", "http://127.0.0.1:0");
        var options = Bind(run.Arguments!);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.Error);
            Assert.That(options.ProgressPollInterval, Is.EqualTo(TimeSpan.FromMilliseconds(300)));
            Assert.That(options.OrphanGracePeriod, Is.EqualTo(new TimeSpan(1, 2, 3, 4)));
            Assert.That(options.LeaderElection, Is.False);
            Assert.That(options.AllowAdoption, Is.True);
            Assert.That(options.WatchedNamespaces, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(options.Workers, Is.EqualTo(4));
            Assert.That(options.ObservationCallsPerSecond, Is.EqualTo(0.5));
            Assert.That(options.Observation, Is.EqualTo(ObservationMode.Naive));
            Assert.That(options.OrphanPolicy, Is.EqualTo("Delete"));
            Assert.That(options.Northflank.BaseUrl, Is.EqualTo(new Uri("http://127.0.0.1:5000/")));
            Assert.That(run.Arguments!.Settings["urls"], Is.EqualTo("http://127.0.0.1:0"), "the host's own key");
        });
    }

    [Test]
    public async Task Every_flag_sets_the_option_its_help_reads_the_default_from()
    {
        foreach (var flag in CommandLine.Flags)
        {
            var sample = Samples[flag.Name];
            var run = await RunAsync(flag.Name, sample);
            Assert.That(run.Exit, Is.Zero, $"{flag.Name} {sample}: {run.Error}");
            Assert.That(run.Arguments!.Settings.Keys, Is.EqualTo(new[] { flag.Key }), flag.Name);
            if (flag.ReadFrom(new OperatorOptions()) is { } before)
            {
                Assert.That(flag.ReadFrom(Bind(run.Arguments)), Is.Not.EqualTo(before), $"{flag.Name} {sample} changes what its default is read from");
            }
        }

        Assert.That(Samples.Keys, Is.EquivalentTo(CommandLine.Flags.Select(f => f.Name)), "a sample for each flag");
    }

    [TestCase("--workers", "abc", "--workers: 'abc' is not a whole number.")]
    [TestCase("--workers", "1.5", "--workers: '1.5' is not a whole number.")]
    [TestCase("--progress-poll-interval", "0.75", "--progress-poll-interval: '0.75' is not a duration")]
    [TestCase("--leader-election", "no", "--leader-election: 'no' is not true or false.")]
    [TestCase("--observation", "fast", "--observation: 'fast' is not one of batched, naive.")]
    [TestCase("--orphan-policy", "report", "--orphan-policy: 'report' is not one of Report, Delete.")]
    [TestCase("--northflank-url", "api.northflank.com", "--northflank-url: 'api.northflank.com' is not an absolute URL.")]
    [TestCase("--observation-calls-per-second", "two", "--observation-calls-per-second: 'two' is not a number")]
    public async Task A_bad_value_is_refused_naming_its_flag_and_nothing_runs(string flag, string value, string message)
    {
        var run = await RunAsync(flag, value);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(2));
            Assert.That(run.Error, Does.StartWith(message));
            Assert.That(run.Arguments, Is.Null, "the operator did not run");
            Assert.That(run.Output, Is.Empty, "no help in the way of the message");
        });
    }

    [Test]
    public async Task A_misspelt_flag_a_flag_without_its_value_and_a_stray_word_are_refused()
    {
        var misspelt = await RunAsync("--workrs", "4");
        var bare = await RunAsync("--allow-adoption");
        var stray = await RunAsync("--namespaces", "a", "hunter2");

        Assert.Multiple(() =>
        {
            Assert.That((misspelt.Exit, bare.Exit, stray.Exit), Is.EqualTo((2, 2, 2)));
            Assert.That(misspelt.Error, Does.StartWith("--workrs is not a flag (did you mean --workers?)"));
            Assert.That(bare.Error, Does.Contain("'--allow-adoption'"));
            Assert.That(stray.Error, Does.Contain("neither a flag").And.Not.Contain("hunter2"), "a stray word is not repeated: it could be a secret");
            Assert.That(new[] { misspelt.Arguments, bare.Arguments, stray.Arguments }, Is.All.Null);
        });
    }

    [Test]
    public async Task Configuration_keys_pass_through_to_the_host_and_need_a_value()
    {
        var run = await RunAsync("--Logging:LogLevel:SandboxOperator", "Debug", "--workers", "3", "--Operator:Northflank:Circuit=false");
        var options = Bind(run.Arguments!);
        var missing = await RunAsync("--workers", "3", "--Operator:Northflank:Circuit");

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.Error);
            Assert.That(run.Arguments!.ConfigurationKeys, Is.EqualTo(new[] { "--Logging:LogLevel:SandboxOperator", "Debug", "--Operator:Northflank:Circuit=false" }));
            Assert.That(options.Northflank.Circuit, Is.False);
            Assert.That(options.Workers, Is.EqualTo(3));
            Assert.That(missing.Exit, Is.EqualTo(2));
            Assert.That(missing.Error, Does.StartWith("--Operator:Northflank:Circuit needs a value."));
        });
    }

    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("help")]
    public async Task Help_is_printed_and_nothing_runs(string help)
    {
        var run = await RunAsync(help);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero);
            Assert.That(run.Output, Does.Contain("--leader-election <true|false>").And.Contain("crds"));
            Assert.That(run.Arguments, Is.Null);
        });
    }

    [Test]
    public async Task Crds_prints_them_or_writes_them_into_a_directory()
    {
        var print = await RunAsync("crds");
        var write = await RunAsync("crds", "out/crds");
        var extra = await RunAsync("crds", "a", "b");

        Assert.Multiple(() =>
        {
            Assert.That((print.Exit, print.Crds), Is.EqualTo((0, (string?)"")));
            Assert.That((write.Exit, write.Crds), Is.EqualTo((0, (string?)"out/crds")));
            Assert.That((extra.Exit, extra.Crds), Is.EqualTo((2, (string?)null)));
            Assert.That(new[] { print.Arguments, write.Arguments }, Is.All.Null, "the operator did not run");
        });
    }

    /// <summary>A value for each flag, none its default.</summary>
    private static readonly Dictionary<string, string> Samples = new()
    {
        ["--default-config"] = "shared",
        ["--cluster-config-selector"] = "team=a",
        ["--default-project"] = "p1",
        ["--allowed-projects"] = "p2,p3",
        ["--allow-adoption"] = "true",
        ["--orphan-policy"] = "Delete",
        ["--orphan-grace-period"] = "00:01:00",
        ["--credentials-secret"] = "ops/nf",
        ["--credentials-secret-key"] = "api-token",
        ["--cluster-id"] = "east-1",
        ["--namespaces"] = "a,b",
        ["--workers"] = "3",
        ["--progress-poll-interval"] = "00:00:02",
        ["--observation-calls-per-second"] = "0.5",
        ["--settled-poll-interval"] = "00:30:00",
        ["--drift-check-interval"] = "06:00:00",
        ["--observation"] = "naive",
        ["--invalid-input-retry-interval"] = "00:01:00",
        ["--leader-election"] = "false",
        ["--lease-namespace"] = "leases",
        ["--pod-namespace"] = "ops",
        ["--kubeconfig"] = "/tmp/kubeconfig",
        ["--northflank-url"] = "http://127.0.0.1:5000",
        ["--requests-per-hour"] = "2000",
        ["--request-timeout"] = "00:00:05",
        ["--health-address"] = "http://127.0.0.1:0",
    };

    /// <summary>Binds as the program does: configuration keys first, flags last.</summary>
    private static OperatorOptions Bind(OperatorArguments arguments) =>
        new ConfigurationBuilder().AddCommandLine([.. arguments.ConfigurationKeys]).AddInMemoryCollection(arguments.Settings).Build()
            .GetSection(OperatorOptions.Section).Get<OperatorOptions>() ?? new OperatorOptions();

    internal static async Task<Run> RunAsync(params string[] args)
    {
        OperatorArguments? ran = null;
        string? crds = null;
        var root = CommandLine.Create(a => { ran = a; return Task.FromResult(0); }, dir => crds = dir ?? "");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.InvokeAsync(CommandLine.Parse(root, args), output, error);
        return new Run(exit, output.ToString(), error.ToString(), ran, crds);
    }

    internal sealed record Run(int Exit, string Output, string Error, OperatorArguments? Arguments, string? Crds);
}
