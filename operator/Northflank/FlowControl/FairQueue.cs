namespace SandboxOperator.Northflank.FlowControl;

/// <summary>
/// A queue that serves tenants (a Sandbox's namespace) in turn: first come, first served within a tenant; between
/// tenants, the one served least recently goes next, and a tenant that had nothing waiting goes before every tenant
/// served since (tenants that arrive together keep their order of arrival). So a tenant with one item is served at the
/// next turn however many items another tenant queued before it, and tenants that all keep items waiting alternate.
/// Items of no tenant (a progress-watch list, a config check) take turns as one tenant of their own.
/// <para>
/// Why least recently served rather than a plain ring: a tenant that has been bursting alone would otherwise hold the
/// first turn when another arrives. A tenant's history is dropped when its line empties, so what is kept is bounded by
/// the tenants with items waiting; the price is that a tenant that drains its line and comes back goes first once more,
/// one item per return, which a bursting tenant cannot use to overtake anyone (its line does not drain).
/// </para>
/// Not thread-safe: the owner's lock guards it. Counts are per tenant with items, so every operation is linear in the
/// number of tenants waiting, not in the items.
/// </summary>
internal sealed class FairQueue<T>
{
    private const string NoTenant = "";

    private readonly Dictionary<string, Line> lines = new(StringComparer.Ordinal);

    /// <summary>Counts arrivals of tenants and serves, so both order one line.</summary>
    private long clock;

    public int Count { get; private set; }

    /// <summary>Every item, line by line.</summary>
    public IEnumerable<T> Items => lines.Values.SelectMany(line => line);

    /// <summary>The item served next: the head of the line whose turn it is.</summary>
    public LinkedListNode<T>? Next
    {
        get
        {
            Line? next = null;
            foreach (var line in lines.Values)
            {
                if (next is null || line.TurnKey < next.TurnKey)
                {
                    next = line;
                }
            }

            return next?.First;
        }
    }

    public LinkedListNode<T> Add(string? tenant, T item)
    {
        var key = tenant ?? NoTenant;
        if (!lines.TryGetValue(key, out var line))
        {
            // Never served since it arrived: its turn comes before every tenant served since (see TurnKey).
            line = new Line(key, ++clock);
            lines[key] = line;
        }

        Count++;
        return line.AddLast(item);
    }

    /// <summary>Takes <paramref name="node"/> out of the queue without counting a turn (cancelled, expired).</summary>
    public void Remove(LinkedListNode<T> node)
    {
        if (node.List is not Line line)
        {
            return;
        }

        line.Remove(node);
        Count--;
        if (line.Count == 0)
        {
            lines.Remove(line.Tenant);
        }
    }

    /// <summary>Takes <paramref name="node"/> out as served: its tenant's turn is spent.</summary>
    public void Serve(LinkedListNode<T> node)
    {
        if (node.List is Line line)
        {
            line.ServedAt = ++clock;
        }

        Remove(node);
    }

    /// <summary>
    /// How many items a new item of <paramref name="tenant"/> would have ahead of it: in turns, every tenant serves at
    /// most as many as this tenant has ahead of it plus one before the new item's turn comes.
    /// </summary>
    public int AheadOf(string? tenant)
    {
        var own = lines.TryGetValue(tenant ?? NoTenant, out var line) ? line.Count : 0;
        return own + lines.Values.Where(l => l != line).Sum(l => Math.Min(l.Count, own + 1));
    }

    public void Clear()
    {
        lines.Clear();
        Count = 0;
    }

    private sealed class Line(string tenant, long arrived) : LinkedList<T>
    {
        public string Tenant { get; } = tenant;

        /// <summary>When the tenant was last served, on the queue's clock; 0 while it has not been since it arrived.</summary>
        public long ServedAt { get; set; }

        /// <summary>
        /// Least recently served first; those not served since they arrived before all others (negative keys), in
        /// order of arrival.
        /// </summary>
        public long TurnKey => ServedAt > 0 ? ServedAt : arrived - long.MaxValue / 2;
    }
}
