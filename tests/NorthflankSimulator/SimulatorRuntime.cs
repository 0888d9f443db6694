using NorthflankSimulator.Inspection;
using NorthflankSimulator.Pipeline;
using NorthflankSimulator.State;
using NorthflankSimulator.Streaming;

namespace NorthflankSimulator;

/// <summary>The live parts of one simulator instance, shared by the HTTP pipeline, the inspection API and SimulatorHost.</summary>
internal sealed class SimulatorRuntime
{
    private int heldResponses;

    /// <summary>Write responses being held right now (their changes already applied).</summary>
    public int HeldResponses => Volatile.Read(ref heldResponses);

    public void HoldStarted() => Interlocked.Increment(ref heldResponses);

    public void HoldEnded() => Interlocked.Decrement(ref heldResponses);

    public SimulatorRuntime(SimulatorOptions options)
    {
        options.Faults.Validate();
        options.Logs.Validate();
        Options = options;
        Time = options.TimeProvider ?? TimeProvider.System;
        Store = new SimulatorStore(options, Time);
        RateLimiter = new RateLimiter(options.RateLimit, Time);
        Faults = new FaultInjector(options.Faults, options.RandomSeed);
        Tokens = [.. options.EffectiveTokens.Where(t => !string.IsNullOrEmpty(t.Token))];
        Workspaces = new ExecWorkspaces(options.Exec);
        Store.ServiceRemoved = Workspaces.Remove;
    }

    public SimulatorOptions Options { get; }
    public TimeProvider Time { get; }
    public SimulatorStore Store { get; }
    public RateLimiter RateLimiter { get; }
    public FaultInjector Faults { get; }
    public RequestLog Requests { get; } = new();
    public IReadOnlyList<SimulatorToken> Tokens { get; }

    /// <summary>Working directories and running sessions of exec'd commands; disposed when the server stops.</summary>
    public ExecWorkspaces Workspaces { get; }

    /// <summary>Seeded state, empty request log, fresh rate-limit windows and the configured faults again.</summary>
    public void Reset()
    {
        Store.Reset();
        Requests.Clear();
        RateLimiter.Configure(Options.RateLimit);
        Faults.Configure(Options.Faults);
        Faults.Reseed(Options.RandomSeed);
    }
}
