using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using NorthflankSimulator.Api;
using NorthflankSimulator.State;
using NorthflankSimulator.Streaming;

namespace UnitTests.Simulator;

/// <summary>How an exec's init context becomes a process, and how a log query reads.</summary>
public sealed class StreamRequestTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static ExecRequest Exec(string context) =>
        ExecRequest.Parse(JsonNode.Parse(context) as JsonObject, "tester", path => path == "/bin/sh");

    private static ApiException ExecError(string context) => Assert.Throws<ApiException>(() => Exec(context))!;

    private static LogQuery Query(bool tail = false, params (string Name, string Value)[] parameters) =>
        LogQuery.Parse(new QueryCollection(parameters.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => new StringValues([.. g.Select(p => p.Value)]))), Now, tail);

    [TestCase("""{"command":["echo","a b"],"shell":"none"}""", new[] { "echo", "a b" })]
    [TestCase("""{"command":"ls  -la","shell":"none"}""", new[] { "ls", "-la" })]
    [TestCase("""{"command":"echo $HOME | cat","shell":"bash -c"}""", new[] { "bash", "-c", "echo $HOME | cat" })]
    [TestCase("""{"command":["echo","x"]}""", new[] { "/bin/sh", "-c", "echo x" })]
    [TestCase("""{}""", new[] { "/bin/sh" })]
    [TestCase("""{"shell":"bash"}""", new[] { "bash" })]
    public void An_exec_context_becomes_these_arguments(string context, string[] arguments)
    {
        Assert.That(Exec(context).Arguments, Is.EqualTo(arguments));
    }

    [TestCase("""{"shell":"none"}""", "context.command")]
    [TestCase("""{"command":[]}""", "context.command")]
    [TestCase("""{"command":["ls"],"user":"root"}""", "context.user")]
    [TestCase("""{"command":["ls"],"encoding":"latin1"}""", "context.encoding")]
    [TestCase("""{"command":["ls"],"stdin":true}""", "context.stdin")]
    [TestCase("""{"command":["ls"],"tty":true,"ttyRows":0}""", "context.ttyRows")]
    public void An_exec_context_that_cannot_be_honoured_is_refused(string context, string field)
    {
        Assert.That(ExecError(context).Details?["field"]?.ToString(), Is.EqualTo(field));
    }

    [Test]
    public void An_exec_context_keeps_tty_size_encoding_and_container()
    {
        var request = Exec("""{"command":["ls"],"user":"tester","tty":true,"ttyRows":30,"ttyColumns":100,"encoding":"base64","instanceName":"web-a"}""");

        Assert.That(request, Is.EqualTo(request with { Tty = true, Rows = 30, Columns = 100, Base64 = true, ContainerName = "web-a" }));
        Assert.That(ExecProcess.ShellLine(request), Is.EqualTo("stty rows 30 cols 100 2>/dev/null; exec '/bin/sh' '-c' 'ls'"));
        Assert.That(ExecProcess.ShellLine(request with { Arguments = ["echo", "it's"], Rows = null, Columns = null }), Is.EqualTo("exec 'echo' 'it'\\''s'"));
    }

    [Test]
    public void A_range_defaults_to_the_last_30_minutes_100_lines_newest_first()
    {
        var query = Query();

        Assert.That((query.After, query.Until, query.LineLimit, query.Backward), Is.EqualTo((Now.AddMinutes(-30), Now, 100, true)));
    }

    [Test]
    public void A_range_selects_by_container_and_filter_within_the_limit()
    {
        var lines = Enumerable.Range(1, 6).Select(i => new LogLine(i % 2 == 0 ? "even" : "odd", $"stdout F line {i}", Now.AddSeconds(i))).ToList();

        var backward = Query(false, ("lineLimit", "2"), ("containerName", "even")).Select(lines);
        var forward = Query(false, ("direction", "forward"), ("regexIncludes", "line [3-5]")).Select(lines);

        Assert.That(backward.Select(l => l.Log), Is.EqualTo(new[] { "stdout F line 6", "stdout F line 4" }));
        Assert.That(forward.Select(l => l.Log), Is.EqualTo(new[] { "stdout F line 3", "stdout F line 4", "stdout F line 5" }));
    }

    [Test]
    public void A_range_takes_duration_with_one_end()
    {
        var query = Query(false, ("startTime", "2030-01-01T10:00:00.000Z"), ("duration", "600"));

        Assert.That((query.After, query.Until), Is.EqualTo((Now.AddHours(-2), Now.AddHours(-2).AddMinutes(10))));
    }

    [TestCase(false, "textIncludes", "a", "regexIncludes", "b", "regexIncludes")]
    [TestCase(false, "startTime", "2030-01-01T10:00:00Z", "endTime", "2030-01-01T09:00:00Z", "startTime")]
    [TestCase(false, "direction", "sideways", "lineLimit", "1", "direction")]
    [TestCase(false, "lineLimit", "0", "direction", "forward", "lineLimit")]
    [TestCase(false, "queryType", "tail", "lineLimit", "1", "queryType")]
    [TestCase(false, "type", "build", "lineLimit", "1", "type")]
    [TestCase(false, "deploymentId", "latest", "lineLimit", "1", "deploymentId")]
    [TestCase(true, "queryType", "tail", "endTime", "2030-01-01T09:00:00Z", "endTime")]
    public void A_log_query_the_simulator_cannot_answer_is_refused(bool tail, string name1, string value1, string name2, string value2, string field)
    {
        var error = Assert.Throws<ApiException>(() => Query(tail, (name1, value1), (name2, value2)))!;

        Assert.That(error.Details?["field"]?.ToString(), Is.EqualTo(field));
    }

    [Test]
    public void A_tail_starts_30_minutes_back_with_10_lines()
    {
        var query = Query(true, ("queryType", "tail"));

        Assert.That((query.After, query.Until, query.LineLimit), Is.EqualTo((Now.AddMinutes(-30), Now, 10)));
    }
}
