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
    private readonly Lock _gate = new();
    private readonly SeededRandom _random;
    private FaultOptions _options;
    private Regex? _writePath;

    public FaultInjector(FaultOptions options, int seed)
    {
        _random = new SeededRandom(seed);
        _options = options.Clone();
        Configure(options);
    }

    public FaultOptions Options
    {
        get
        {
            lock (_gate)
            {
                return _options.Clone();
            }
        }
    }

    public void Configure(FaultOptions options)
    {
        options.Validate();
        lock (_gate)
        {
            _options = options.Clone();
            _writePath = options.WritePathPattern is null
                ? null
                : new Regex(options.WritePathPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
    }

    public void Reseed(int seed) => _random.Reseed(seed);

    public TimeSpan Latency => Options.Latency;

    public bool DropConnection() => _random.Chance(Options.DropConnectionRate);

    public int? ServerError()
    {
        var options = Options;
        return _random.Chance(options.ServerErrorRate) ? options.ServerErrorStatus : null;
    }

    public static bool IsWrite(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    /// <summary>For a write that succeeded: fail its answer, hold it, or let it through. Counted faults count down here.</summary>
    public (WriteFault Fault, TimeSpan Hold) AfterWrite(string method, string path)
    {
        lock (_gate)
        {
            if (!IsWrite(method)
                || (_options.WriteMethod is { } only && !string.Equals(only, method, StringComparison.OrdinalIgnoreCase))
                || (_writePath is not null && !_writePath.IsMatch(path)))
            {
                return (WriteFault.None, TimeSpan.Zero);
            }

            if (_options.FailNextWrites > 0)
            {
                _options.FailNextWrites--;
                return (WriteFault.FailAfterWrite, TimeSpan.Zero);
            }

            if (_random.Chance(_options.FailAfterWriteRate))
            {
                return (WriteFault.FailAfterWrite, TimeSpan.Zero);
            }

            if (_options.HoldAfterWrite > TimeSpan.Zero)
            {
                if (_options.HoldNextWrites > 0)
                {
                    _options.HoldNextWrites--;
                    return (WriteFault.HoldAfterWrite, _options.HoldAfterWrite);
                }

                if (_random.Chance(_options.HoldAfterWriteRate))
                {
                    return (WriteFault.HoldAfterWrite, _options.HoldAfterWrite);
                }
            }

            return (WriteFault.None, TimeSpan.Zero);
        }
    }
}
