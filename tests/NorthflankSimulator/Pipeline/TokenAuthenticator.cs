using System.Security.Cryptography;
using System.Text;

namespace NorthflankSimulator.Pipeline;

internal static class TokenAuthenticator
{
    public static string? PresentedToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : null;
    }

    /// <summary>Identifies a token in logs and the inspection API without revealing it.</summary>
    public static string Fingerprint(string token) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..12];

    public static SimulatorToken? Find(IReadOnlyList<SimulatorToken> tokens, string? presented)
    {
        if (presented is null)
        {
            return null;
        }

        var presentedBytes = Encoding.UTF8.GetBytes(presented);
        return tokens.FirstOrDefault(t => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(t.Token), presentedBytes));
    }
}
