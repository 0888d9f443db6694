using KubectlSandbox.Cli;

namespace KubectlPlugin.Tests;

public class CommandLineTests
{
    private static Verb Parse(params string[] args) => CommandLine.Parse(args);

    [Test]
    public void Exec_takes_combined_short_flags_and_the_command_after_the_double_dash()
    {
        var verb = (ExecVerb)Parse("exec", "box", "-it", "--", "sh", "-c", "echo -n hi");

        Assert.That(verb, Is.EqualTo(verb with { Name = "box", Stdin = true, Tty = true }));
        Assert.That(verb.Command, Is.EqualTo(new[] { "sh", "-c", "echo -n hi" }));
    }

    [Test]
    public void Exec_without_flags_runs_with_neither_stdin_nor_a_tty()
    {
        var verb = (ExecVerb)Parse("exec", "box", "--", "true");

        Assert.Multiple(() =>
        {
            Assert.That(verb.Stdin, Is.False);
            Assert.That(verb.Tty, Is.False);
        });
    }

    [Test]
    public void Global_flags_go_before_or_after_the_verb_in_every_spelling()
    {
        var before = Parse("--kubeconfig", "/k", "--context=c", "-n", "ns", "url", "box");
        var after = Parse("url", "box", "--namespace=ns", "--context", "c", "--kubeconfig=/k");
        var glued = Parse("url", "-nns", "box", "--kubeconfig=/k", "--context=c");

        Assert.That(new[] { after.Target, glued.Target }, Is.All.EqualTo(before.Target));
        Assert.That(before.Target, Is.EqualTo(new Target("/k", "c", "ns")));
    }

    [Test]
    public void Exec_without_a_command_or_with_two_names_is_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Parse("exec", "box"), Throws.TypeOf<UsageException>().With.Message.Contains("command after --"));
            Assert.That(() => Parse("exec", "a", "b", "--", "ls"), Throws.TypeOf<UsageException>().With.Message.Contains("one Sandbox NAME"));
        });
    }

    [Test]
    public void Logs_reads_follow_since_tail_and_timestamps()
    {
        var verb = (LogsVerb)Parse("logs", "box", "-f", "--since", "1h30m", "--tail=20", "--timestamps");

        Assert.That(verb, Is.EqualTo(new LogsVerb(verb.Target, "box", true, TimeSpan.FromMinutes(90), 20, true)));
    }

    [Test]
    public void Logs_tail_minus_one_means_every_line_and_a_bad_tail_is_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(((LogsVerb)Parse("logs", "box", "--tail", "-1")).Tail, Is.Null);
            Assert.That(() => Parse("logs", "box", "--tail", "many"), Throws.TypeOf<UsageException>());
            Assert.That(() => Parse("logs", "box", "--since", "5 minutes"), Throws.TypeOf<UsageException>());
        });
    }

    [Test]
    public void A_flag_of_another_verb_is_refused_by_name()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Parse("url", "box", "-f"), Throws.TypeOf<UsageException>().With.Message.EqualTo("url takes no --follow"));
            Assert.That(() => Parse("logs", "box", "--bogus"), Throws.TypeOf<UsageException>().With.Message.Contains("unknown flag --bogus"));
            Assert.That(() => Parse("logs", "box", "--", "ls"), Throws.TypeOf<UsageException>());
        });
    }

    [Test]
    public void Cp_needs_exactly_one_remote_side()
    {
        var verb = (CopyVerb)Parse("cp", "box:/work/out", "./out");

        Assert.That(verb.Source, Is.EqualTo(new CopyPath("/work/out", "box")));
        Assert.That(verb.Destination, Is.EqualTo(new CopyPath("./out")));
        Assert.That(() => Parse("cp", "a", "b"), Throws.TypeOf<UsageException>().With.Message.Contains("exactly one"));
        Assert.That(() => Parse("cp", "a:/x", "b:/y"), Throws.TypeOf<UsageException>());
        Assert.That(() => Parse("cp", "a:/x"), Throws.TypeOf<UsageException>());
    }

    [Test]
    public void Url_pause_and_resume_take_one_name()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Parse("pause", "box"), Is.EqualTo(new SandboxVerb(new Target(null, null, null), "pause", "box")));
            Assert.That(Parse("resume", "box"), Is.EqualTo(new SandboxVerb(new Target(null, null, null), "resume", "box")));
            Assert.That(() => Parse("url"), Throws.TypeOf<UsageException>());
        });
    }

    [Test]
    public void Wait_defaults_to_ready_true_for_thirty_seconds_and_reads_for_and_timeout()
    {
        var target = new Target(null, null, null);
        Assert.Multiple(() =>
        {
            Assert.That(Parse("wait", "box"), Is.EqualTo(new WaitVerb(target, "box", "Ready", true, TimeSpan.FromSeconds(30))));
            Assert.That(Parse("wait", "box", "--for=condition=Ready=false", "--timeout", "5m"), Is.EqualTo(new WaitVerb(target, "box", "Ready", false, TimeSpan.FromMinutes(5))));
            Assert.That(() => Parse("wait", "box", "--for=delete"), Throws.TypeOf<UsageException>());
            Assert.That(() => Parse("wait", "box", "--for=condition=Ready=maybe"), Throws.TypeOf<UsageException>());
        });
    }

    [Test]
    public void Help_or_nothing_asks_for_usage_and_an_unknown_verb_is_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Parse(), Is.TypeOf<HelpVerb>());
            Assert.That(Parse("exec", "-h"), Is.TypeOf<HelpVerb>());
            Assert.That(() => Parse("attach", "box"), Throws.TypeOf<UsageException>().With.Message.Contains("unknown verb"));
        });
    }
}
