using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NorthflankSimulator;

namespace UnitTests.Simulator;

/// <summary>Deprecated endpoints, the account-wide rate limit and what the request log tells about failures.</summary>
[NonParallelizable]
public sealed class SimulatorHttpTests
{
    private const string Services = "v1/projects/default-project/services";

    private static HttpClient Client(SimulatorHost host, string token)
    {
        var client = new HttpClient { BaseAddress = host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static JsonObject ServiceBody(string name) => new()
    {
        ["name"] = name,
        ["billing"] = new JsonObject { ["deploymentPlan"] = "nf-compute-20" },
        ["deployment"] = new JsonObject { ["instances"] = 2, ["external"] = new JsonObject { ["imagePath"] = "nginx:1" } },
    };

    [Test]
    public async Task Deprecated_endpoints_answer_with_a_deprecation_header_and_are_marked_in_the_log()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions { Tokens = [new SimulatorToken("t")] });
        using var client = Client(host, "t");
        (await client.PostAsJsonAsync($"{Services}/deployment", ServiceBody("web"))).Dispose();

        using var ports = await client.GetAsync($"{Services}/web/ports");
        using var replaced = await client.PostAsJsonAsync($"{Services}/web/ports", new { ports = Array.Empty<object>() });
        using var scaled = await client.PostAsJsonAsync($"{Services}/web/scale", new { instances = 1 });
        using var current = await client.GetAsync($"{Services}/web");

        Assert.That(new[] { ports, replaced, scaled }.Select(r => r.Headers.GetValues("Deprecation").Single()), Is.All.EqualTo("true"));
        Assert.That(current.Headers.Contains("Deprecation"), Is.False);
        Assert.That(await replaced.Content.ReadAsStringAsync(), Is.EqualTo("""{"data":{}}"""));
        Assert.That(host.GetRequests().Select(r => r.Deprecated), Is.EqualTo(new[] { false, true, true, true, false }));
    }

    [Test]
    public async Task Tokens_of_one_account_share_one_rate_limit_window()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Tokens = [new SimulatorToken("a1"), new SimulatorToken("a2"), new SimulatorToken("b1") { Account = "other-account" }],
            RateLimit = new RateLimitOptions { Limit = 2 },
        });

        using var first = await Client(host, "a1").GetAsync("v1/plans");
        using var second = await Client(host, "a2").GetAsync("v1/plans");
        using var limited = await Client(host, "a1").GetAsync("v1/plans");
        using var otherAccount = await Client(host, "b1").GetAsync("v1/plans");

        Assert.That(first.Headers.GetValues("x-ratelimit-remaining").Single(), Is.EqualTo("1"));
        Assert.That(second.Headers.GetValues("x-ratelimit-remaining").Single(), Is.EqualTo("0"));
        Assert.That(limited.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(limited.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(otherAccount.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(otherAccount.Headers.GetValues("x-ratelimit-reset").Single(), Is.EqualTo("3600"));
    }

    [Test]
    public async Task The_request_log_names_the_error_and_the_field_of_every_failure()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions { Tokens = [new SimulatorToken("t")] });
        using var client = Client(host, "t");
        var body = ServiceBody("web");
        body["tags"] = new JsonArray("owner=me");

        (await client.PostAsJsonAsync($"{Services}/deployment", body)).Dispose();
        (await client.GetAsync($"{Services}/nope")).Dispose();
        (await client.GetAsync("v1/plans")).Dispose();

        var requests = host.GetRequests();
        Assert.That(requests[0], Has.Property("ErrorId").EqualTo("validation-failed").And.Property("ErrorField").EqualTo("tags[0]"));
        Assert.That(requests[1], Has.Property("ErrorId").EqualTo("not-found").And.Property("ErrorField").Null);
        Assert.That(requests[2], Has.Property("ErrorId").Null);
        using var inspector = new HttpClient { BaseAddress = host.BaseUrl };
        Assert.That(await inspector.GetStringAsync("_sim/requests"), Does.Contain("\"errorField\":\"tags[0]\"").And.Not.Contain("owner=me"));
    }

    [Test]
    public async Task Containers_are_listed_and_paginated_by_name()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions { Tokens = [new SimulatorToken("t")] });
        using var client = Client(host, "t");
        (await client.PostAsJsonAsync($"{Services}/deployment", ServiceBody("web"))).Dispose();

        var first = await client.GetFromJsonAsync<JsonObject>($"{Services}/web/containers?per_page=1");
        var cursor = (string)first!["pagination"]!["cursor"]!;
        var second = await client.GetFromJsonAsync<JsonObject>($"{Services}/web/containers?per_page=1&cursor={cursor}");

        var names = new[] { first, second! }.Select(page => (string)page["data"]!["containers"]![0]!["name"]!).ToList();
        Assert.That(names, Is.Unique.And.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That((bool)second!["pagination"]!["hasNextPage"]!, Is.False);
        Assert.That(host.GetService("default-project", "web")!.Containers.Select(c => c.Name), Is.EqualTo(names));
    }
}
