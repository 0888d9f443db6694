using SandboxOperator.Controllers.Sandboxes;

namespace UnitTests.Controllers.Sandboxes;

public class ImagePathsTests
{
    // Left: what the spec says; right: what Northflank's GET service may answer (the path without the registry host).
    [TestCase("ghcr.io/acme/agent:1.4", "acme/agent:1.4")]
    [TestCase("python:3.12-slim", "library/python:3.12-slim")]
    [TestCase("python:3.12-slim", "python:3.12-slim")]
    [TestCase("docker.io/library/python:3.12-slim", "python:3.12-slim")]
    [TestCase("https://registry.gitlab.com/v1/acme/agent:2", "acme/agent:2")]
    [TestCase("localhost:5000/agent:1", "library/agent:1")]
    [TestCase("acme/agent@sha256:abc", "acme/agent@sha256:abc")]
    [TestCase("http://localhost:5000/agent:1", "library/agent:1")]
    [TestCase("localhost/agent:1", "library/agent:1")]
    public void The_same_image_with_or_without_its_registry_host_is_no_drift(string spec, string observed) =>
        Assert.That(ImagePaths.Same(spec, observed), Is.True);

    [TestCase("ghcr.io/acme/agent:1.4", "acme/agent:1.5")]
    [TestCase("python:3.12-slim", "library/python:3.13-slim")]
    [TestCase("ghcr.io/acme/agent:1.4", "other/agent:1.4")]
    [TestCase("acme/agent:1.4", null)]
    public void A_different_image_is_drift(string spec, string? observed) =>
        Assert.That(ImagePaths.Same(spec, observed), Is.False);
}
