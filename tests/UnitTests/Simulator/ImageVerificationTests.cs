using System.Net;
using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;
using UnitTests.Controllers.Sandboxes;

namespace UnitTests.Simulator;

/// <summary>create-deployment-service.md's "400 Unable to verify external image", as the simulator models it.</summary>
public sealed class ImageVerificationTests
{
    private const string PrivateImage = "registry.private.example/acme/agent:1.0";
    private const string Project = SimulatorOptions.DefaultProjectId;

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero));

    [Test]
    public void A_private_image_without_credentials_is_refused_on_create_with_the_references_message()
    {
        var northflank = new InProcessNorthflank(new SimulatorOptions(), time);

        var e = Assert.ThrowsAsync<NorthflankApiException>(() => CreateAsync(northflank, "agent-1", PrivateImage, credentials: null));

        Assert.That((e!.Status, e.Message), Is.EqualTo((HttpStatusCode.BadRequest, "Unable to verify external image")));
    }

    [Test]
    public void A_private_image_with_saved_credentials_is_created()
    {
        var northflank = new InProcessNorthflank(new SimulatorOptions { RegistryCredentials = ["acme-ghcr"] }, time);

        Assert.DoesNotThrowAsync(() => CreateAsync(northflank, "agent-1", PrivateImage, credentials: "acme-ghcr"));
    }

    [TestCase("python:3.12-slim", "not-saved")]
    [TestCase("acme/cannot-verify:1.0", null)]
    public void Credentials_the_team_never_saved_or_an_unverifiable_image_are_refused_on_create(string image, string? credentials)
    {
        var northflank = new InProcessNorthflank(new SimulatorOptions(), time);

        var e = Assert.ThrowsAsync<NorthflankApiException>(() => CreateAsync(northflank, "agent-1", image, credentials));

        Assert.That(e!.Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A_change_to_an_image_it_cannot_verify_is_refused_and_the_service_keeps_its_image()
    {
        var northflank = new InProcessNorthflank(new SimulatorOptions(), time);
        var created = await CreateAsync(northflank, "agent-1", "python:3.12-slim", credentials: null);
        var spec = DesiredFor("agent-1", PrivateImage, credentials: null).Service;

        var e = Assert.ThrowsAsync<NorthflankApiException>(() => northflank.PatchDeploymentServiceAsync(Project, created.Id, spec, CancellationToken.None));
        var after = await northflank.GetServiceAsync(Project, created.Id, RequestPriority.Write, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That((e!.Status, e.Message), Is.EqualTo((HttpStatusCode.BadRequest, "Unable to verify external image")));
            Assert.That(after!.Deployment!.External!.ImagePath, Is.EqualTo("python:3.12-slim"));
        });
    }

    [Test]
    public async Task An_image_that_verifies_but_cannot_run_is_a_failed_deployment_not_a_400()
    {
        var northflank = new InProcessNorthflank(new SimulatorOptions(), time);
        var created = await CreateAsync(northflank, "agent-1", "acme/does-not-exist:1.0", credentials: null);

        time.Advance(TimeSpan.FromMinutes(1));
        var service = await northflank.GetServiceAsync(Project, created.Id, RequestPriority.Write, CancellationToken.None);

        Assert.That(service!.Status!.Deployment!.Status, Is.EqualTo("FAILED"));
    }

    private static DesiredState DesiredFor(string name, string image, string? credentials) => DesiredState.Build(
        SandboxFactory.New(name, s =>
        {
            s.Image = image;
            s.ImageCredentials = credentials;
        }),
        DesiredStateTests.Inputs(), "prod", DateTimeOffset.UnixEpoch);

    private Task<ServiceDetails> CreateAsync(InProcessNorthflank northflank, string name, string image, string? credentials) =>
        northflank.CreateDeploymentServiceAsync(Project, DesiredFor(name, image, credentials).CreateRequest(time.GetUtcNow()), CancellationToken.None);
}
