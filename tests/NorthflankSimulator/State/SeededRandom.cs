namespace NorthflankSimulator.State;

/// <summary>A thread-safe seeded random source, so the same seed and request sequence give the same ids and faults.</summary>
internal sealed class SeededRandom(int seed)
{
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private readonly Lock gate = new();
    private Random random = new(seed);

    public double NextDouble()
    {
        lock (gate)
        {
            return random.NextDouble();
        }
    }

    /// <summary>True with the given probability; a zero rate never consumes a draw, keeping other faults' draws stable.</summary>
    public bool Chance(double rate) => rate > 0 && (rate >= 1 || NextDouble() < rate);

    public string NextId(int length)
    {
        lock (gate)
        {
            return string.Create(length, random, (chars, random) =>
            {
                for (var i = 0; i < chars.Length; i++)
                {
                    chars[i] = IdAlphabet[random.Next(IdAlphabet.Length)];
                }
            });
        }
    }

    public void Reseed(int seed)
    {
        lock (gate)
        {
            random = new Random(seed);
        }
    }
}
