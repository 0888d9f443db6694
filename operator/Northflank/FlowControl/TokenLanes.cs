namespace SandboxOperator.Northflank.FlowControl;

/// <summary>
/// How many of the operator's workers each token may hold at once, so that one token whose calls are slow (Northflank
/// hanging for it, its reconciles timing out) cannot hold every worker while another tenant's Sandboxes wait.
/// <para>
/// A token's share is <c>ceil(slots / n)</c>, n the tokens with work in flight or waiting, but never all slots while
/// there is more than one: one worker always stays free to pick the next key from the queue, which is how a token not
/// yet seen gets in at all (the queue does not say which token a key belongs to until a worker resolves it). A caller
/// turned away is parked and woken (through <c>wake</c>, with the slot held for it) when its token has room again; it
/// should come back after a fallback delay too, in case the wake is lost.
/// </para>
/// <para>
/// Within a token, parked callers are woken by tenant in turn (<see cref="FairQueue{T}"/>; first come, first served
/// within a tenant), as tokens share the workers between each other: on a <c>ClusterNorthflankConfig</c> shared by
/// several namespaces, one namespace's Sandbox parked behind another's warm pool of 150 gets the next slot that frees,
/// not the 151st.
/// </para>
/// Thread-safe; a token's lane is dropped as soon as it holds and awaits nothing, so nothing accumulates per token.
/// </summary>
public sealed class TokenLanes(int slots, TimeProvider time, Action<string> wake)
{
    /// <summary>A slot held for a woken caller is given to the next one if the caller does not come within this time.</summary>
    public static readonly TimeSpan ReservationLifetime = TimeSpan.FromSeconds(30);

    private readonly Lock gate = new();
    private readonly Dictionary<string, Lane> lanes = new(StringComparer.Ordinal);
    private readonly int slots = Math.Max(1, slots);

    /// <summary>How many slots <paramref name="token"/> may hold right now (were it to ask).</summary>
    public int Share(string token)
    {
        lock (gate)
        {
            return ShareLocked(token);
        }
    }

    /// <summary>Slots <paramref name="token"/> holds now (entered and not exited).</summary>
    public int InFlight(string token)
    {
        lock (gate)
        {
            return lanes.TryGetValue(token, out var lane) ? lane.InFlight : 0;
        }
    }

    /// <summary>Tokens with a lane: something in flight, parked or held for a woken caller.</summary>
    public int ActiveTokens
    {
        get
        {
            lock (gate)
            {
                return lanes.Count;
            }
        }
    }

    /// <summary>As <see cref="TryEnter(string, string, string?)"/> for a waiter of no tenant.</summary>
    public bool TryEnter(string token, string waiter) => TryEnter(token, waiter, tenant: null);

    /// <summary>
    /// Takes a slot of <paramref name="token"/> for <paramref name="waiter"/> of <paramref name="tenant"/> (its
    /// namespace); false when the token holds its share (or others of the token are parked): the waiter is parked and
    /// woken, in its tenant's turn, when a slot is held for it.
    /// </summary>
    public bool TryEnter(string token, string waiter, string? tenant)
    {
        List<string>? woken;
        bool entered;
        lock (gate)
        {
            var now = time.GetUtcNow();
            var lane = LaneLocked(token);
            woken = HandOffLocked(ExpireLocked(now));
            if (lane.Reserved.Remove(waiter))
            {
                entered = true; // A slot was held for it (perhaps just now: then it needs no wake).
                woken?.Remove(waiter);
            }
            else if (lane.Parked.Count == 0 && lane.Holding < ShareLocked(token))
            {
                entered = true;
            }
            else
            {
                entered = false;
                if (!lane.Places.ContainsKey(waiter))
                {
                    lane.Places[waiter] = lane.Parked.Add(tenant, waiter);
                }
            }

            if (entered)
            {
                lane.InFlight++;
            }

            DropIdleLocked();
        }

        Wake(woken);
        return entered;
    }

    /// <summary>Gives back a slot taken by <see cref="TryEnter"/>, and holds freed slots for parked waiters.</summary>
    public void Exit(string token)
    {
        List<string>? woken;
        lock (gate)
        {
            if (lanes.TryGetValue(token, out var lane) && lane.InFlight > 0)
            {
                lane.InFlight--;
            }

            woken = ExpireLocked(time.GetUtcNow());
            woken = HandOffLocked(woken);
            DropIdleLocked();
        }

        Wake(woken);
    }

    /// <summary>
    /// Takes <paramref name="waiter"/> out of line, or frees the slot held for it: it no longer needs one (its work needs
    /// no call), and a slot held for a waiter that never comes would stay idle until <see cref="ReservationLifetime"/>.
    /// </summary>
    public void Leave(string token, string waiter)
    {
        List<string>? woken = null;
        lock (gate)
        {
            if (lanes.TryGetValue(token, out var lane))
            {
                if (lane.Places.Remove(waiter, out var parked))
                {
                    lane.Parked.Remove(parked);
                }

                if (lane.Reserved.Remove(waiter))
                {
                    woken = HandOffLocked(null);
                }

                DropIdleLocked();
            }
        }

        Wake(woken);
    }

    private int ShareLocked(string token)
    {
        if (slots == 1)
        {
            return 1;
        }

        var active = lanes.Count + (lanes.ContainsKey(token) ? 0 : 1);
        var fair = (slots + active - 1) / active;
        return Math.Max(1, Math.Min(slots - 1, fair));
    }

    private Lane LaneLocked(string token)
    {
        if (!lanes.TryGetValue(token, out var lane))
        {
            lane = new Lane();
            lanes[token] = lane;
        }

        return lane;
    }

    /// <summary>Holds each slot a token has room for for the parked waiter whose turn it is, and says whom to wake.</summary>
    private List<string>? HandOffLocked(List<string>? woken)
    {
        var now = time.GetUtcNow();
        foreach (var (token, lane) in lanes)
        {
            while (lane.Parked.Next is { } first && lane.Holding < ShareLocked(token))
            {
                lane.Parked.Serve(first);
                lane.Places.Remove(first.Value);
                lane.Reserved[first.Value] = now + ReservationLifetime;
                (woken ??= []).Add(first.Value);
            }
        }

        return woken;
    }

    /// <summary>Frees slots held for woken waiters that never came (their object gone, or moved to another token).</summary>
    private List<string>? ExpireLocked(DateTimeOffset now)
    {
        var expired = false;
        foreach (var lane in lanes.Values)
        {
            foreach (var waiter in lane.Reserved.Where(r => r.Value <= now).Select(r => r.Key).ToList())
            {
                lane.Reserved.Remove(waiter);
                expired = true;
            }
        }

        return expired ? HandOffLocked(null) : null;
    }

    private void DropIdleLocked()
    {
        foreach (var token in lanes.Where(l => l.Value.IsIdle).Select(l => l.Key).ToList())
        {
            lanes.Remove(token);
        }
    }

    private void Wake(List<string>? woken)
    {
        foreach (var waiter in woken ?? [])
        {
            wake(waiter);
        }
    }

    private sealed class Lane
    {
        public int InFlight { get; set; }

        /// <summary>Parked waiters, woken by tenant in turn.</summary>
        public FairQueue<string> Parked { get; } = new();

        /// <summary>Each parked waiter's place in <see cref="Parked"/>, so that it parks once however often it asks.</summary>
        public Dictionary<string, LinkedListNode<string>> Places { get; } = new(StringComparer.Ordinal);

        /// <summary>Slots held for woken waiters, until when.</summary>
        public Dictionary<string, DateTimeOffset> Reserved { get; } = new(StringComparer.Ordinal);

        /// <summary>Slots taken or held.</summary>
        public int Holding => InFlight + Reserved.Count;

        public bool IsIdle => InFlight == 0 && Parked.Count == 0 && Reserved.Count == 0;
    }
}
