using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using NorthflankSimulator.Api;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

public sealed class PaginationTests
{
    private static readonly List<JsonObject> Items =
        [.. Enumerable.Range(0, 105).Select(i => new JsonObject { ["id"] = $"item-{i:000}" })];

    private static (List<JsonObject> Page, JsonObject Pagination) Page(string query) =>
        Pagination.Apply(new DefaultHttpContext { Request = { QueryString = new QueryString(query) } }, Items, 50);

    private static string Ids(List<JsonObject> page) => $"{page[0]["id"]}..{page[^1]["id"]}";

    [Test]
    public void First_page_has_the_default_size_and_a_cursor()
    {
        var (page, pagination) = Page("");

        Assert.That(page, Has.Count.EqualTo(50));
        Assert.That((bool)pagination["hasNextPage"]!, Is.True);
        Assert.That((int)pagination["count"]!, Is.EqualTo(50));
        Assert.That(pagination["cursor"]!.GetValue<string>(), Is.Not.Empty);
    }

    [Test]
    public void Following_cursors_visits_every_item_once_and_the_last_page_has_no_cursor_at_all()
    {
        var (first, pagination) = Page("?per_page=100");
        var (second, last) = Page($"?per_page=100&cursor={pagination["cursor"]}");

        Assert.That(Ids(first), Is.EqualTo("item-000..item-099"));
        Assert.That(Ids(second), Is.EqualTo("item-100..item-104"));
        Assert.That((bool)last["hasNextPage"]!, Is.False);
        Assert.That((int)last["count"]!, Is.EqualTo(5));
        // The js-client's .all() loops while cursor !== undefined, so null here would never end.
        Assert.That(last.ContainsKey("cursor"), Is.False);
    }

    [Test]
    public void Page_numbers_work_without_a_cursor()
    {
        var (page, _) = Page("?per_page=10&page=3");

        Assert.That(Ids(page), Is.EqualTo("item-020..item-029"));
    }

    [TestCase("?per_page=0", "per_page")]
    [TestCase("?per_page=101", "per_page")]
    [TestCase("?per_page=ten", "per_page")]
    [TestCase("?page=0", "page")]
    [TestCase("?cursor=%%%", "cursor")]
    public void Rejects_bad_parameters_naming_them(string query, string field) =>
        Assert.That(() => Page(query),
            Throws.TypeOf<ApiException>().With.Property("Status").EqualTo(400).And.Message.StartsWith($"{field}:"));
}
