using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Api;

/// <summary>
/// Cursor pagination over items ordered by a key (their id, or a container's name). The cursor is the base64url of
/// the last key returned, so a page boundary
/// stays put when items are added or removed elsewhere. On the last page the cursor is left out entirely: the
/// client's <c>.all()</c> keeps fetching while <c>pagination.cursor</c> is anything but undefined.
/// </summary>
internal static class Pagination
{
    public const int MaxPageSize = 100;

    public static (List<JsonObject> Page, JsonObject Pagination) Apply(HttpContext context, List<JsonObject> items, int defaultPageSize, string key = "id")
    {
        var query = context.Request.Query;
        var perPage = defaultPageSize;
        if (query.TryGetValue("per_page", out var perPageText))
        {
            if (!int.TryParse(perPageText, NumberStyles.None, CultureInfo.InvariantCulture, out perPage) || perPage is < 1 or > MaxPageSize)
            {
                throw ApiException.BadRequest("per_page", $"must be an integer from 1 to {MaxPageSize}, got '{perPageText}'");
            }
        }

        var start = 0;
        if (query.TryGetValue("cursor", out var cursor) && !string.IsNullOrEmpty(cursor))
        {
            var after = DecodeCursor(cursor!);
            start = items.FindIndex(item => string.CompareOrdinal((string)item[key]!, after) > 0);
            start = start < 0 ? items.Count : start;
        }
        else if (query.TryGetValue("page", out var pageText))
        {
            if (!int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out var page) || page < 1)
            {
                throw ApiException.BadRequest("page", $"must be a positive integer, got '{pageText}'");
            }

            start = (int)Math.Min((long)(page - 1) * perPage, items.Count);
        }

        var slice = items.Skip(start).Take(perPage).ToList();
        var hasNextPage = start + slice.Count < items.Count;
        var pagination = new JsonObject { ["hasNextPage"] = hasNextPage };
        if (hasNextPage)
        {
            pagination["cursor"] = EncodeCursor((string)slice[^1][key]!);
        }

        pagination["count"] = slice.Count;
        return (slice, pagination);
    }

    private static string EncodeCursor(string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(id)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string DecodeCursor(string cursor)
    {
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            throw ApiException.BadRequest("cursor", "is not a cursor this API returned");
        }
    }
}
