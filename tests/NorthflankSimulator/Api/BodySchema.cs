using System.Text.Json.Nodes;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Api;

/// <summary>
/// Refuses request body fields the simulator cannot check, so nothing can come to rely on them: a field the
/// reference lists but the simulator does not model is a 400 "not supported by the simulator"; any other unknown
/// field is a 400 "not a field of this request". Both name the field's path.
/// </summary>
internal static class BodySchema
{
    public static void Check(JsonObject json, string path, IReadOnlyCollection<string> modelled, IReadOnlyCollection<string> unmodelled, string page)
    {
        foreach (var (name, _) in json)
        {
            if (modelled.Contains(name))
            {
                continue;
            }

            var field = path.Length == 0 ? name : $"{path}.{name}";
            throw unmodelled.Contains(name)
                ? ApiException.BadRequest(field, $"is not supported by the simulator (Northflank accepts it, see {page}; the simulator cannot check what it does)")
                : ApiException.BadRequest(field, $"is not a field of this request in Northflank's API reference ({page})");
        }
    }
}
