using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SandboxOperator.Northflank;

/// <summary>
/// One <see cref="NorthflankApiClient"/> and one <see cref="RequestBudget"/> per API token, shared by every worker that
/// uses the token. Keyed by the token itself (its value compares, its fingerprint prints); thread-safe. Clients live
/// as long as the factory: a rotated token gets a fresh client and budget, the old pair stays until disposal.
/// </summary>
public sealed class NorthflankApiFactory : INorthflankApiFactory, IDisposable
{
    private readonly ConcurrentDictionary<NorthflankToken, Lazy<NorthflankApiClient>> clients = new();
    private readonly NorthflankClientOptions options;
    private readonly ILoggerFactory loggerFactory;
    private readonly TimeProvider time;
    private readonly Action? beforeWrite;
    private bool disposed;

    /// <param name="beforeWrite">Given to every client: called just before each write is sent, throws to stop it.</param>
    public NorthflankApiFactory(NorthflankClientOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, Action? beforeWrite = null)
    {
        this.options = options ?? new NorthflankClientOptions();
        this.options.Validate();
        this.loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        time = timeProvider ?? TimeProvider.System;
        this.beforeWrite = beforeWrite;
    }

    public NorthflankClientOptions Options => options;

    public INorthflankApi ForToken(NorthflankToken token) => ClientFor(token);

    /// <summary>The token's budget (created with its client on first use), e.g. to show what is left.</summary>
    public RequestBudget BudgetFor(NorthflankToken token) => ClientFor(token).Budget;

    public void Dispose()
    {
        disposed = true;
        foreach (var client in clients.Values.Where(c => c.IsValueCreated).Select(c => c.Value))
        {
            client.Budget.Dispose();
            client.Dispose();
        }

        clients.Clear();
    }

    private NorthflankApiClient ClientFor(NorthflankToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        ObjectDisposedException.ThrowIf(disposed, this);
        return clients.GetOrAdd(token, t => new Lazy<NorthflankApiClient>(() => Create(t), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    private NorthflankApiClient Create(NorthflankToken token)
    {
        var budget = new RequestBudget(options.RequestsPerHour, options.Headroom, options.BurstSize, time, token.Fingerprint);
        return new NorthflankApiClient(token, budget, options, loggerFactory.CreateLogger<NorthflankApiClient>(), time, beforeWrite);
    }
}
