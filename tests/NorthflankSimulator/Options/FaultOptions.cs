using System.Text.RegularExpressions;

namespace NorthflankSimulator;

/// <summary>
/// Misbehaviour switches for /v1 requests. Rates are probabilities from 0 to 1 drawn from the seeded random source.
/// "Write" means POST, PUT, PATCH or DELETE, narrowed by <see cref="WriteMethod"/> and <see cref="WritePathPattern"/>.
/// </summary>
public sealed class FaultOptions
{
    /// <summary>Added before every /v1 request is handled.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Share of requests answered with <see cref="ServerErrorStatus"/> without being handled.</summary>
    public double ServerErrorRate { get; set; }

    public int ServerErrorStatus { get; set; } = 503;

    /// <summary>Share of requests whose connection is aborted, unhandled, with no response at all.</summary>
    public double DropConnectionRate { get; set; }

    /// <summary>Share of successful writes that are applied but answered 500.</summary>
    public double FailAfterWriteRate { get; set; }

    /// <summary>The next N successful writes are applied but answered 500 (counts down).</summary>
    public int FailNextWrites { get; set; }

    /// <summary>How long a held write's response waits after the write was applied; zero turns holding off.</summary>
    public TimeSpan HoldAfterWrite { get; set; }

    /// <summary>Share of successful writes held for <see cref="HoldAfterWrite"/>.</summary>
    public double HoldAfterWriteRate { get; set; }

    /// <summary>The next N successful writes are held for <see cref="HoldAfterWrite"/> (counts down).</summary>
    public int HoldNextWrites { get; set; }

    /// <summary>Only writes with this HTTP method get write faults (null: any write method).</summary>
    public string? WriteMethod { get; set; }

    /// <summary>Only writes whose path matches this regular expression get write faults (null: any path).</summary>
    public string? WritePathPattern { get; set; }

    public FaultOptions Clone() => (FaultOptions)MemberwiseClone();

    internal void Validate()
    {
        foreach (var (name, rate) in new[]
        {
            (nameof(ServerErrorRate), ServerErrorRate), (nameof(DropConnectionRate), DropConnectionRate),
            (nameof(FailAfterWriteRate), FailAfterWriteRate), (nameof(HoldAfterWriteRate), HoldAfterWriteRate),
        })
        {
            if (rate is < 0 or > 1)
            {
                throw new ArgumentException($"{name} must be between 0 and 1, was {rate}.");
            }
        }

        if (ServerErrorStatus is < 500 or > 599)
        {
            throw new ArgumentException($"{nameof(ServerErrorStatus)} must be a 5xx status, was {ServerErrorStatus}.");
        }

        if (WritePathPattern is not null)
        {
            try
            {
                _ = new Regex(WritePathPattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (RegexParseException e)
            {
                throw new ArgumentException($"{nameof(WritePathPattern)} is not a valid regular expression: {e.Message}", e);
            }
        }
    }
}
