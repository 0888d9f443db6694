using NorthflankSimulator.Api;
using NorthflankSimulator.Inspection;
using NorthflankSimulator.Pipeline;

namespace NorthflankSimulator;

/// <summary>Wires one simulator into a web application; shared by the process entry point and SimulatorHost.</summary>
internal static class SimulatorApp
{
    public static WebApplication Build(WebApplicationBuilder builder, SimulatorOptions options, out SimulatorRuntime runtime)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        runtime = new SimulatorRuntime(options);
        builder.Services.AddSingleton(runtime);
        builder.Services.AddRoutingCore();

        var app = builder.Build();
        var workspaces = runtime.Workspaces;
        app.Lifetime.ApplicationStopped.Register(workspaces.Dispose);
        app.UseWebSockets();
        app.UseRouting();
        app.UseMiddleware<V1Middleware>(runtime);
        ProjectEndpoints.Map(app, runtime);
        ServiceEndpoints.Map(app, runtime);
        ServiceActionEndpoints.Map(app, runtime);
        VolumeEndpoints.Map(app, runtime);
        LogEndpoints.Map(app, runtime);
        InspectionEndpoints.Map(app, runtime);
        return app;
    }

    /// <summary>The first address Kestrel bound, with the real port when port 0 was asked for.</summary>
    public static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Urls.Count > 0
            ? app.Urls
            : throw new InvalidOperationException("The simulator started without any bound address.");
        return new Uri(addresses.First().Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
    }
}
