using System.Text;
using k8s.Models;

namespace SandboxOperator.Controllers.Common;

public static class SecretValues
{
    /// <summary>A key's value as text (from data, or stringData on objects not yet stored); null when absent.</summary>
    public static string? Read(V1Secret secret, string key)
    {
        if (secret.Data is { } data && data.TryGetValue(key, out var bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        return secret.StringData is { } stringData && stringData.TryGetValue(key, out var text) ? text : null;
    }
}
