namespace NorthflankSimulator.Inspection;

/// <summary>Every /v1 request seen, and counts per endpoint ("METHOD route-template"), for tests to assert on.</summary>
internal sealed class RequestLog
{
    private readonly Lock _gate = new();
    private readonly List<RequestRecord> _requests = [];
    private readonly SortedDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public void Add(RequestRecord record)
    {
        lock (_gate)
        {
            _requests.Add(record);
            var key = $"{record.Method} {record.Route ?? "(unmatched)"}";
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
        }
    }

    public IReadOnlyList<RequestRecord> Requests()
    {
        lock (_gate)
        {
            return [.. _requests];
        }
    }

    public IReadOnlyDictionary<string, int> Counts()
    {
        lock (_gate)
        {
            return new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
            _counts.Clear();
        }
    }
}
