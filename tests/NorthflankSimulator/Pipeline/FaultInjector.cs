using System.Text.RegularExpressions;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Pipeline;

internal enum WriteFault
{
    None,
    FailAfterWrite,
    HoldAfterWrite,
}

/// <summary>Decides, from the current <see cref="FaultOptions"/> and the seeded random source, which faults hit a request.</summary>
internal sealed class FaultInjector
{
    private readonly Lock gate = new();
    private readonly SeededRandom random;
    private FaultOptions options;
    private Regex? writePath;

    public FaultInjector(FaultOptions options, int seed)
    {
        random = new SeededRandom(seed);
        this.options = options.Clone();
        Configure(options);
    }

    public FaultOptions Options
    {
        get
        {
            lock (gate)
            {
                return options.Clone();
            }
        }
    }

    public void Configure(FaultOptions options)
    {
        options.Validate();
        lock (gate)
        {
            this.options = options.Clone();
            writePath = options.WritePathPattern is null
                ? null
                : new Regex(options.WritePathPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
    }

    public void Reseed(int seed) => random.Reseed(seed);

    public TimeSpan Latency => Options.Latency;

    public bool DropConnection() => random.Chance(Options.DropConnectionRate);

    public int? ServerError()
    {
        var options = Options;
        return random.Chance(options.ServerErrorRate) ? options.ServerErrorStatus : null;
    }

    public static bool IsWrite(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    /// <summary>For a write that succeeded: fail its answer, hold it, or let it through. Counted faults count down here.</summary>
    public (WriteFault Fault, TimeSpan Hold) AfterWrite(string method, string path)
    {
        lock (gate)
        {
            if (!IsWrite(method)
                || (options.WriteMethod is { } only && !string.Equals(only, method, StringComparison.OrdinalIgnoreCase))
                || (writePath is not null && !writePath.IsMatch(path)))
            {
                return (WriteFault.None, TimeSpan.Zero);
            }

            if (options.FailNextWrites > 0)
            {
                options.FailNextWrites--;
                return (WriteFault.FailAfterWrite, TimeSpan.Zero);
            }

            if (random.Chance(options.FailAfterWriteRate))
            {
                return (WriteFault.FailAfterWrite, TimeSpan.Zero);
            }

            if (options.HoldAfterWrite > TimeSpan.Zero)
            {
                if (options.HoldNextWrites > 0)
                {
                    options.HoldNextWrites--;
                    return (WriteFault.HoldAfterWrite, options.HoldAfterWrite);
                }

                if (random.Chance(options.HoldAfterWriteRate))
                {
                    return (WriteFault.HoldAfterWrite, options.HoldAfterWrite);
                }
            }

            return (WriteFault.None, TimeSpan.Zero);
        }
    }
}
