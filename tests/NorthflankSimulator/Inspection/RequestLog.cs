namespace NorthflankSimulator.Inspection;

/// <summary>Every /v1 request seen, and counts per endpoint ("METHOD route-template"), for tests to assert on.</summary>
internal sealed class RequestLog
{
    private readonly Lock gate = new();
    private readonly List<RequestRecord> requests = [];
    private readonly SortedDictionary<string, int> counts = new(StringComparer.Ordinal);

    public void Add(RequestRecord record)
    {
        lock (gate)
        {
            requests.Add(record);
            var key = $"{record.Method} {record.Route ?? "(unmatched)"}";
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
    }

    public IReadOnlyList<RequestRecord> Requests()
    {
        lock (gate)
        {
            return [.. requests];
        }
    }

    public IReadOnlyDictionary<string, int> Counts()
    {
        lock (gate)
        {
            return new SortedDictionary<string, int>(counts, StringComparer.Ordinal);
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            requests.Clear();
            counts.Clear();
        }
    }
}
