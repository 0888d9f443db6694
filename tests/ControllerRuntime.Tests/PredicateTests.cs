using k8s.Models;

namespace ControllerRuntime.Tests;

public class PredicateTests
{
    private static V1ConfigMap Object(long generation = 1, string? label = null, string? annotation = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "a",
            Generation = generation,
            Labels = label is null ? null : new Dictionary<string, string> { ["owner"] = label },
            Annotations = annotation is null ? null : new Dictionary<string, string> { ["note"] = annotation },
        },
    };

    [Test]
    public void A_relabelling_wakes_a_controller_that_reads_labels_but_not_one_blind_to_them()
    {
        var before = Object(label: "pool");
        var after = Object(label: "claim");

        Assert.Multiple(() =>
        {
            Assert.That(Predicates.GenerationOrMetadataChanged(before, after), Is.True);
            Assert.That(Predicates.GenerationOrMetadataBesidesLabelsChanged(before, after), Is.False);
        });
    }

    [Test]
    public void A_label_blind_controller_still_sees_spec_annotation_finalizer_and_deletion_changes()
    {
        var before = Object();
        var finalized = Object();
        finalized.Metadata.Finalizers = ["example.com/cleanup"];
        var deleting = Object();
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;

        Assert.Multiple(() =>
        {
            Assert.That(Predicates.GenerationOrMetadataBesidesLabelsChanged(before, Object(generation: 2)), Is.True);
            Assert.That(Predicates.GenerationOrMetadataBesidesLabelsChanged(before, Object(annotation: "x")), Is.True);
            Assert.That(Predicates.GenerationOrMetadataBesidesLabelsChanged(before, finalized), Is.True);
            Assert.That(Predicates.GenerationOrMetadataBesidesLabelsChanged(before, deleting), Is.True);
            Assert.That(Predicates.GenerationOrMetadataBesidesLabelsChanged(before, Object()), Is.False, "a status write");
        });
    }
}
