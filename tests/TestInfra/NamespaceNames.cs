using System.Security.Cryptography;
using System.Text;

namespace TestInfra;

/// <summary>Turns any prefix (e.g. a test name) into a unique, valid namespace name (DNS-1123 label).</summary>
public static class NamespaceNames
{
    private const int MaxLength = 63;
    private const int SuffixLength = 6;

    public static string Create(string prefix)
    {
        var cleaned = new StringBuilder(prefix.Length);
        foreach (var c in prefix.ToLowerInvariant())
        {
            var valid = c is >= 'a' and <= 'z' or >= '0' and <= '9';
            if (valid)
            {
                cleaned.Append(c);
            }
            else if (cleaned.Length > 0 && cleaned[^1] != '-')
            {
                cleaned.Append('-');
            }
        }

        var stem = cleaned.ToString();
        if (stem.Length > MaxLength - SuffixLength - 1)
        {
            stem = stem[..(MaxLength - SuffixLength - 1)];
        }

        stem = stem.Trim('-');
        if (stem.Length == 0)
        {
            stem = "test";
        }

        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SuffixLength / 2));
        return $"{stem}-{suffix}";
    }
}
