using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Northflank;

/// <summary>
/// One <see cref="NorthflankApiClient"/>, <see cref="RequestBudget"/> and <see cref="TokenCircuit"/> per API token,
/// shared by every worker that uses the token, and the <see cref="TokenLanes"/> that keep any token to its share of the
/// workers. Keyed by the token itself (its value compares, its fingerprint prints); thread-safe.
/// <para>
/// Who uses which token is counted by holder (a Sandbox's uid, see <see cref="Use"/>): a token no holder uses any more
/// (its Sandboxes deleted, or moved to another token), and on which no call was made for
/// <see cref="NorthflankClientOptions.UnusedTokenGrace"/>, is dropped with its client, budget, circuit and metric
/// series, and <see cref="Evicted"/> says so. A token only called without a holder (a config's check) goes the same way.
/// </para>
/// </summary>
public sealed class NorthflankApiFactory : INorthflankApiFactory, IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<NorthflankToken, TokenEntry> entries = [];
    private readonly Dictionary<string, NorthflankToken> holders = new(StringComparer.Ordinal);
    private readonly NorthflankClientOptions options;
    private readonly ILoggerFactory loggerFactory;
    private readonly TimeProvider time;
    private readonly Action? beforeWrite;
    private readonly Action<string> wake;
    private readonly ITimer sweeper;
    private readonly Meter meter = new(NorthflankTelemetry.Name);
    private bool disposed;

    /// <param name="beforeWrite">Given to every client: called just before each write is sent, throws to stop it.</param>
    /// <param name="workers">Workers that share the tokens (the lanes' slots).</param>
    /// <param name="wake">Called with a caller's id when its token's circuit closes or a lane has room for it.</param>
    public NorthflankApiFactory(
        NorthflankClientOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        Action? beforeWrite = null,
        int workers = 1,
        Action<string>? wake = null)
    {
        this.options = options ?? new NorthflankClientOptions();
        this.options.Validate();
        this.loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        time = timeProvider ?? TimeProvider.System;
        this.beforeWrite = beforeWrite;
        this.wake = wake ?? (_ => { });
        Lanes = new TokenLanes(workers, time, this.wake);
        // Over the tokens this factory holds, so a dropped token's series goes with it.
        meter.CreateObservableGauge(
            BudgetTelemetry.BudgetRemainingName, ObserveBudgets, description: "Requests the API token's budget allows right now (token = fingerprint).");
        var sweep = this.options.UnusedTokenGrace / 4;
        using (ExecutionContext.SuppressFlow())
        {
            sweeper = time.CreateTimer(static state => ((NorthflankApiFactory)state!).Sweep(), this, sweep, sweep);
        }
    }

    public NorthflankClientOptions Options => options;

    public TokenLanes Lanes { get; }

    /// <summary>Tokens (by fingerprint) dropped because nothing used them any more, e.g. to drop what others keep per token.</summary>
    public event Action<string>? Evicted;

    /// <summary>Tokens with live state.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    public INorthflankApi ForToken(NorthflankToken token) => EntryFor(token, holder: null).Client;

    public TokenUse Use(string holder, NorthflankToken token)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var entry = EntryFor(token, holder);
        return new TokenUse(entry.Client, entry.Circuit, Lanes, token.Fingerprint);
    }

    public void Release(string holder)
    {
        lock (gate)
        {
            if (holders.Remove(holder, out var token) && entries.TryGetValue(token, out var entry))
            {
                // The grace period counts from the last holder's going: a call it just started may still be under way.
                entry.Holders--;
                entry.LastLeased = time.GetUtcNow();
                entry.Budget.Holders = entry.Holders;
            }
        }
    }

    /// <summary>The token's budget (created with its client on first use), e.g. to show what is left.</summary>
    public RequestBudget BudgetFor(NorthflankToken token) => EntryFor(token, holder: null).Budget;

    /// <summary>The token's circuit (null when circuits are off).</summary>
    public TokenCircuit? CircuitFor(NorthflankToken token) => EntryFor(token, holder: null).Circuit;

    public void Dispose()
    {
        List<TokenEntry> all;
        lock (gate)
        {
            disposed = true;
            all = [.. entries.Values];
            entries.Clear();
            holders.Clear();
        }

        sweeper.Dispose();
        meter.Dispose();
        foreach (var entry in all)
        {
            entry.Dispose();
        }
    }

    private TokenEntry EntryFor(NorthflankToken token, string? holder)
    {
        ArgumentNullException.ThrowIfNull(token);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!entries.TryGetValue(token, out var entry))
            {
                entry = Create(token);
                entries[token] = entry;
            }

            entry.LastLeased = time.GetUtcNow();
            if (holder is not null && (!holders.TryGetValue(holder, out var previous) || !previous.Equals(token)))
            {
                if (previous is not null && entries.TryGetValue(previous, out var old))
                {
                    old.Holders--; // Moved to another token: the old one may go once nothing else uses it.
                    old.LastLeased = entry.LastLeased;
                    old.Budget.Holders = old.Holders;
                }

                holders[holder] = token;
                entry.Holders++;
                // The budget's reserve keeps a DELETE for every Sandbox on the token (see AccountWindow).
                entry.Budget.Holders = entry.Holders;
            }

            return entry;
        }
    }

    private TokenEntry Create(NorthflankToken token)
    {
        var budget = new RequestBudget(options.RequestsPerHour, options.Headroom, options.BurstSize, time, token.Fingerprint, options.MaxThrottlePause);
        NorthflankApiClient? client = null;
        TokenCircuit? circuit = null;
        if (options.Circuit)
        {
            // Probes take at most a quarter of the budget at the rate it refills now: at 1000 an hour, one per 16 s.
            circuit = new TokenCircuit(
                time, options.CircuitProbeInterval, ct => client!.ListProjectsAsync(RequestPriority.Background, ct), wake, () => budget.CurrentInterval * 4);
        }

        var tokenGate = new TokenGate(budget, circuit, options.MaxBudgetWait, options.ThrottlePauseWithoutRetryAfter);
        client = new NorthflankApiClient(token, tokenGate, options.Wire, loggerFactory.CreateLogger<NorthflankApiClient>(), time, beforeWrite);
        return new TokenEntry(client, tokenGate);
    }

    private List<Measurement<int>> ObserveBudgets()
    {
        lock (gate)
        {
            return [.. entries.Values.Select(e => new Measurement<int>(e.Budget.Remaining, new KeyValuePair<string, object?>("token", e.Budget.Name)))];
        }
    }

    /// <summary>Drops every token no holder uses that has been idle for the grace period.</summary>
    private void Sweep()
    {
        List<(NorthflankToken Token, TokenEntry Entry)> gone = [];
        lock (gate)
        {
            var now = time.GetUtcNow();
            foreach (var (token, entry) in entries)
            {
                if (entry.Holders <= 0 && entry.Client.ActiveCalls == 0 && now - entry.LastUsed >= options.UnusedTokenGrace
                    && Lanes.InFlight(token.Fingerprint) == 0)
                {
                    gone.Add((token, entry));
                }
            }

            foreach (var (token, _) in gone)
            {
                entries.Remove(token);
            }
        }

        foreach (var (token, entry) in gone)
        {
            entry.Dispose();
            Evicted?.Invoke(token.Fingerprint);
        }
    }

    private sealed class TokenEntry(NorthflankApiClient client, TokenGate gate) : IDisposable
    {
        public NorthflankApiClient Client { get; } = client;

        public RequestBudget Budget => gate.Budget;

        public TokenCircuit? Circuit => gate.Circuit;

        /// <summary>Holders using the token; guarded by the factory's lock.</summary>
        public int Holders { get; set; }

        /// <summary>When the token was last handed out; guarded by the factory's lock.</summary>
        public DateTimeOffset LastLeased { get; set; }

        public DateTimeOffset LastUsed => Client.LastActivity > LastLeased ? Client.LastActivity : LastLeased;

        public void Dispose()
        {
            Circuit?.Dispose();
            Budget.Dispose();
            Client.Dispose();
        }
    }
}
