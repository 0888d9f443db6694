using NorthflankSimulator.Inspection;

namespace NorthflankSimulator;

/// <summary>
/// A Northflank API simulator running in the calling process on 127.0.0.1 and a free port.
/// Everything the /_sim inspection API offers is also here as methods.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly SimulatorRuntime runtime;

    private SimulatorHost(WebApplication app, SimulatorRuntime runtime, Uri baseUrl)
    {
        this.app = app;
        this.runtime = runtime;
        BaseUrl = baseUrl;
    }

    /// <summary>Where to point a Northflank client, e.g. <c>http://127.0.0.1:41234/</c> (API paths start with /v1).</summary>
    public Uri BaseUrl { get; }

    public SimulatorOptions Options => runtime.Options;

    /// <summary>Write responses held right now by the hold-after-write fault: the change is applied, the answer not yet sent.</summary>
    public int HeldResponses => runtime.HeldResponses;

    public static async Task<SimulatorHost> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = SimulatorApp.Build(builder, options, out var runtime);
        await app.StartAsync(cancellationToken);
        return new SimulatorHost(app, runtime, SimulatorApp.BoundAddress(app));
    }

    public SimulatorStateSnapshot GetState() => runtime.Store.Snapshot();

    public ServiceSnapshot? GetService(string projectId, string serviceId) => runtime.Store.FindService(projectId, serviceId);

    public IReadOnlyList<RequestRecord> GetRequests() => runtime.Requests.Requests();

    /// <summary>Requests per endpoint, keyed "METHOD /v1/route/{template}".</summary>
    public IReadOnlyDictionary<string, int> GetEndpointCounts() => runtime.Requests.Counts();

    public void ClearRequests() => runtime.Requests.Clear();

    /// <summary>A copy of the faults in force; counted faults show what is left of their count.</summary>
    public FaultOptions GetFaults() => runtime.Faults.Options;

    public void SetFaults(FaultOptions faults) => runtime.Faults.Configure(faults);

    /// <summary>Changes some fault switches, keeping the rest: <c>host.UpdateFaults(f => f.FailNextWrites = 1)</c>.</summary>
    public void UpdateFaults(Action<FaultOptions> change)
    {
        var faults = runtime.Faults.Options;
        change(faults);
        runtime.Faults.Configure(faults);
    }

    public RateLimitOptions GetRateLimit() => runtime.RateLimiter.Options;

    /// <summary>New rate-limit settings; every token starts a fresh window.</summary>
    public void SetRateLimit(RateLimitOptions rateLimit) => runtime.RateLimiter.Configure(rateLimit);

    /// <summary>Seeded projects only, no requests logged, fresh rate-limit windows, configured faults.</summary>
    public void Reset() => runtime.Reset();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
