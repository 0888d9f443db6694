using k8s;
using Microsoft.Extensions.DependencyInjection;

namespace ControllerRuntime.Tests;

/// <summary>Registration as the README shows it: what the host builds once it may run the controllers.</summary>
[TestFixture]
public class RegistrationTests
{
    private static ServiceProvider Register(OperatorRuntimeOptions options) =>
        new ServiceCollection()
            // Never contacted: building a controller sends nothing, only running it does.
            .AddSingleton<IKubernetes>(new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }))
            .AddOperatorRuntime(options)
            .AddController<Widget, RecordingController>(controller => controller
                .WithFinalizer<RecordingController>()
                .WithWorkers(4)
                .WithUpdatePredicate(Predicates.GenerationOrMetadataChanged)
                .WatchesSecrets((secret, widgets) => widgets.List()
                    .Where(w => w.Spec == secret.Metadata.Name)
                    .Select(ObjectKey.Of)))
            .Services
            .BuildServiceProvider();

    [Test]
    public async Task A_controller_is_built_with_its_watches_finalizer_and_the_hosts_telemetry_name()
    {
        await using var services = Register(new OperatorRuntimeOptions { TelemetryName = "WidgetOperator" });

        var registration = services.GetServices<IControllerRegistration>().Single();
        var controller = registration.Build(services);
        await using var scope = services.CreateAsyncScope();
        Assert.Multiple(() =>
        {
            Assert.That(controller.Name, Is.EqualTo("widget"));
            Assert.That(controller.Informers.Select(i => i.Name), Is.EqualTo(new[] { "Widget", "Secret" }));
            Assert.That(scope.ServiceProvider.GetServices<IEntityFinalizer<Widget>>().Select(f => f.Identifier), Is.EqualTo(new[] { RecordingController.FinalizerId }));
            Assert.That(services.GetRequiredService<ControllerTelemetry>().Name, Is.EqualTo("WidgetOperator"));
            Assert.That(services.GetRequiredService<ControllerTelemetry>().Meter.Name, Is.EqualTo("WidgetOperator"));
            Assert.That(services.GetRequiredService<ControllerTelemetry>().ActivitySource.Name, Is.EqualTo("WidgetOperator"));
        });
    }

    [Test]
    public async Task Without_a_telemetry_name_the_runtimes_own_is_used()
    {
        await using var services = Register(new OperatorRuntimeOptions());

        Assert.That(services.GetRequiredService<ControllerTelemetry>().Meter.Name, Is.EqualTo(ControllerTelemetry.DefaultName));
    }
}
