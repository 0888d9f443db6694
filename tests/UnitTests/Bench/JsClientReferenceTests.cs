using System.Text.Json;
using Benchmarks;

namespace UnitTests.Bench;

/// <summary>Reading what tests/contract/exec-bench.mjs prints.</summary>
public sealed class JsClientReferenceTests
{
    [Test]
    public void The_scripts_line_becomes_timings_of_sessions_and_streams()
    {
        const string line = """
            {"starts":[{"bytes":3,"openedSeconds":0.002,"firstByteSeconds":0.004,"completedSeconds":0.006}],
             "streams":[{"bytes":1048576,"openedSeconds":0.003,"firstByteSeconds":0.005,"lastByteSeconds":0.5,"completedSeconds":0.51}],
             "stdins":[{"bytes":3,"openedSeconds":0.004,"firstByteSeconds":0.9,"completedSeconds":0.91}]}
            """;

        var measured = JsClientReference.Parse(line);

        Assert.Multiple(() =>
        {
            Assert.That(measured.Starts, Is.EqualTo(new[] { new ExecTiming(0.002, 0.004, 0.004, 0.006, 3) }), "a one-shot's last byte is its first");
            Assert.That(measured.Streams, Is.EqualTo(new[] { new ExecTiming(0.003, 0.005, 0.5, 0.51, 1048576) }));
            Assert.That(measured.Stdins, Is.EqualTo(new[] { new ExecTiming(0.004, 0.9, 0.9, 0.91, 3) }));
        });
    }

    [Test]
    public void A_line_without_a_timing_is_refused()
    {
        Assert.Throws<KeyNotFoundException>(() => JsClientReference.Parse("""{"starts":[{"bytes":3,"firstByteSeconds":0.004,"completedSeconds":0.006}],"streams":[],"stdins":[]}"""));
        Assert.Catch<JsonException>(() => JsClientReference.Parse("not json"), "something else on stdout");
    }
}
