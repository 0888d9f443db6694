using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>The status memory of <see cref="SandboxRecord"/>: the newest of what the cache holds and what was last written.</summary>
public class SandboxRecordStatusTests
{
    private static Sandbox At(string resourceVersion, string? serviceId = null)
    {
        var sandbox = SandboxFactory.New();
        sandbox.Metadata.ResourceVersion = resourceVersion;
        sandbox.Status = serviceId is null ? null : new SandboxStatus { ServiceId = serviceId };
        return sandbox;
    }

    [Test]
    public void A_cache_still_at_the_version_the_write_replaced_gets_what_was_written_and_its_new_version()
    {
        var memory = new SandboxRecord("uid");
        memory.Wrote("100", "101", new SandboxStatus { ServiceId = "svc" });

        var newest = memory.Newest(At("100"));

        Assert.Multiple(() =>
        {
            Assert.That(newest.Status?.ServiceId, Is.EqualTo("svc"));
            Assert.That(newest.Metadata.ResourceVersion, Is.EqualTo("101"), "the next conditional write must not conflict with our own");
        });
    }

    [Test]
    public void Writes_in_a_row_before_the_watch_catches_up_keep_preferring_the_last_one()
    {
        var memory = new SandboxRecord("uid");
        memory.Wrote("100", "101", new SandboxStatus { ServiceId = "first" });
        var second = memory.Newest(At("100"));
        memory.Wrote(second.Metadata.ResourceVersion, "102", new SandboxStatus { ServiceId = "second" });

        Assert.Multiple(() =>
        {
            Assert.That(memory.Newest(At("100")).Status?.ServiceId, Is.EqualTo("second"), "cache two writes behind");
            Assert.That(memory.Newest(At("101")).Status?.ServiceId, Is.EqualTo("second"), "cache one write behind");
        });
    }

    [Test]
    public void Once_the_cache_holds_the_written_version_or_a_newer_one_the_cache_wins()
    {
        var memory = new SandboxRecord("uid");
        memory.Wrote("100", "101", new SandboxStatus { ServiceId = "ours" });
        Assert.That(memory.Newest(At("103", "after-a-spec-change")).Status?.ServiceId, Is.EqualTo("after-a-spec-change"));

        memory.Wrote("103", "104", new SandboxStatus { ServiceId = "ours-again" });
        var caughtUp = memory.Newest(At("104", "ours-again-from-the-watch"));
        Assert.That(caughtUp.Status?.ServiceId, Is.EqualTo("ours-again-from-the-watch"));
        Assert.That(memory.Newest(At("103", "stale")).Status?.ServiceId, Is.EqualTo("stale"), "forgotten once the cache caught up");
    }

    [Test]
    public void A_cache_older_than_the_version_the_first_write_was_based_on_still_gets_what_was_written()
    {
        // The first reconcile got the object from the finalizer patch (version 100); the cache may still be at 99.
        var memory = new SandboxRecord("uid");
        memory.Wrote("100", "101", new SandboxStatus { ServiceId = "svc" });

        Assert.That(memory.Newest(At("99")).Metadata.ResourceVersion, Is.EqualTo("101"));
    }

    [Test]
    public void Opaque_versions_are_only_compared_for_equality()
    {
        var memory = new SandboxRecord("uid");
        memory.Wrote("b", "c", new SandboxStatus { ServiceId = "ours" });

        Assert.Multiple(() =>
        {
            Assert.That(memory.Newest(At("b")).Status?.ServiceId, Is.EqualTo("ours"), "a version our write replaced");
            Assert.That(memory.Newest(At("a", "theirs")).Status?.ServiceId, Is.EqualTo("theirs"), "unknown: the cache is the truth");
        });
    }

    [Test]
    public void A_write_without_a_returned_version_and_a_new_record_leave_nothing_to_prefer()
    {
        var memory = new SandboxRecord("uid");
        memory.Wrote("100", null, new SandboxStatus { ServiceId = "ours" });
        Assert.That(memory.Newest(At("100", "cached")).Status?.ServiceId, Is.EqualTo("cached"));

        memory.Wrote("100", "101", new SandboxStatus { ServiceId = "ours" });
        Assert.That(new SandboxRecord("uid").Newest(At("100", "cached")).Status?.ServiceId, Is.EqualTo("cached"), "a new record (a Sandbox forgotten) prefers nothing");
    }
}
