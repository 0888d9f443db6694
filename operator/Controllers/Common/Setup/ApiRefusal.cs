using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SandboxOperator.Controllers.Common.Setup;

/// <summary>
/// The API server's "this object is invalid" (400 Bad Request, 422 Unprocessable Entity) and its message, which names
/// the field and says what is wrong with it: the same answer every time the same object is sent.
/// </summary>
public static class ApiRefusal
{
    /// <summary>Long enough for every field the API server names at once; a condition message may hold 32 KiB.</summary>
    public const int MaxMessageLength = 2000;

    public static bool IsRefusal(HttpOperationException e) =>
        e.Response?.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity;

    /// <summary>The message of the API server's Status, else its status line.</summary>
    public static string Message(HttpOperationException e)
    {
        string? message = null;
        try
        {
            message = e.Response?.Content is { Length: > 0 } content ? KubernetesJson.Deserialize<V1Status>(content)?.Message : null;
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a Status (a proxy's answer): the status line says enough.
        }

        message = string.IsNullOrWhiteSpace(message) ? $"{(int?)e.Response?.StatusCode} {e.Response?.ReasonPhrase}".Trim() : message.Trim();
        return message.Length > MaxMessageLength ? message[..MaxMessageLength] + "…" : message;
    }
}
