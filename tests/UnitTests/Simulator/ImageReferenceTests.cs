using NorthflankSimulator.State;

namespace UnitTests.Simulator;

public sealed class ImageReferenceTests
{
    [TestCase("Example Service", "example-service")]
    [TestCase("Sandbox\tOne two", "sandbox-one-two")]
    [TestCase("already-a-slug", "already-a-slug")]
    public void Ids_are_slugs_of_names(string name, string id) => Assert.That(ReferencePatterns.Slug(name), Is.EqualTo(id));

    [TestCase("python:3.12-slim", "python:3.12-slim", "dockerhub", "docker.io/library/python:3.12-slim")]
    [TestCase("docker.io/library/nginx:1", "library/nginx:1", "dockerhub", "docker.io/library/nginx:1")]
    [TestCase("nginxinc/nginx-unprivileged:1.27", "nginxinc/nginx-unprivileged:1.27", "dockerhub", "docker.io/nginxinc/nginx-unprivileged:1.27")]
    [TestCase("ghcr.io/org/app@sha256:abc", "org/app@sha256:abc", "github", "ghcr.io/org/app@sha256:abc")]
    [TestCase("https://registry.gitlab.com/group/app:2", "group/app:2", "gitlab", "registry.gitlab.com/group/app:2")]
    [TestCase("team.azurecr.io/app:1", "app:1", "acr", "team.azurecr.io/app:1")]
    [TestCase("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1", "app:1", "ecr", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1")]
    [TestCase("europe-docker.pkg.dev/project/repo/app:1", "project/repo/app:1", "gar", "europe-docker.pkg.dev/project/repo/app:1")]
    [TestCase("dhi.io/python:3", "python:3", "dhi", "dhi.io/python:3")]
    [TestCase("registry.example.com/v1/app:1", "app:1", "custom", "registry.example.com/app:1")]
    public void Get_service_shows_the_path_without_the_host_and_the_provider(string written, string path, string provider, string url)
    {
        var image = ImageReference.Parse(written);

        Assert.That(image.PathWithoutHost, Is.EqualTo(path));
        Assert.That(image.RegistryProvider, Is.EqualTo(provider));
        Assert.That(image.Url, Is.EqualTo(url));
    }
}
