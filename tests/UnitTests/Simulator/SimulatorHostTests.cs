using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;

namespace UnitTests.Simulator;

/// <summary>The HTTP pipeline end to end: auth, rate limit, faults and inspection, against an in-process host.</summary>
[NonParallelizable]
public sealed class SimulatorHostTests
{
    private const string Token = "unit-token";
    private const string Restricted = "restricted-token";
    private const string Services = "v1/projects/default-project/services";

    private static SimulatorOptions Options(FaultOptions? faults = null, TimeProvider? clock = null, RateLimitOptions? rateLimit = null) => new()
    {
        Tokens = [new SimulatorToken(Token), new SimulatorToken(Restricted, "other-project")],
        Faults = faults ?? new FaultOptions(),
        RateLimit = rateLimit ?? new RateLimitOptions(),
        TimeProvider = clock,
    };

    private static HttpClient Client(SimulatorHost host, string? token = Token)
    {
        var client = new HttpClient { BaseAddress = host.BaseUrl };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static JsonObject ServiceBody(string name) => new()
    {
        ["name"] = name,
        ["billing"] = new JsonObject { ["deploymentPlan"] = "nf-compute-20" },
        ["deployment"] = new JsonObject { ["instances"] = 1, ["external"] = new JsonObject { ["imagePath"] = "nginx:1" } },
    };

    private static Task<HttpResponseMessage> Create(HttpClient client, string name, CancellationToken cancellationToken = default) =>
        client.PostAsJsonAsync($"{Services}/deployment", ServiceBody(name), cancellationToken);

    private static async Task<JsonObject> Error(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.AsObject();

    [Test]
    public async Task Missing_unknown_and_out_of_scope_tokens_are_rejected()
    {
        await using var host = await SimulatorHost.StartAsync(Options());

        using var anonymous = await Client(host, token: null).GetAsync(Services);
        using var unknown = await Client(host, "who-knows").GetAsync(Services);
        using var outOfScope = await Client(host, Restricted).GetAsync(Services);

        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(outOfScope.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var error = await Error(outOfScope);
        Assert.That((int)error["status"]!, Is.EqualTo(403));
        Assert.That((string)error["message"]!, Does.Contain("default-project"));
    }

    [Test]
    public async Task Over_the_limit_answers_429_with_retry_after_until_the_scaled_window_passes()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await SimulatorHost.StartAsync(
            Options(clock: clock, rateLimit: new RateLimitOptions { Limit = 2, Window = TimeSpan.FromHours(1), TimeScale = 60 }));
        using var client = Client(host);

        using var first = await client.GetAsync("v1/plans");
        await client.GetAsync("v1/plans");
        using var limited = await client.GetAsync("v1/plans");

        Assert.That(first.Headers.GetValues("X-RateLimit-Limit").Single(), Is.EqualTo("2"));
        Assert.That(first.Headers.GetValues("X-RateLimit-Remaining").Single(), Is.EqualTo("1"));
        Assert.That(first.Headers.GetValues("X-RateLimit-Reset").Single(), Is.EqualTo("60"));
        Assert.That(limited.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(limited.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(60)));
        Assert.That((int)(await Error(limited))["status"]!, Is.EqualTo(429));

        clock.Advance(TimeSpan.FromMinutes(1));
        using var again = await client.GetAsync("v1/plans");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Fail_next_writes_applies_the_write_then_answers_500()
    {
        await using var host = await SimulatorHost.StartAsync(Options(new FaultOptions { FailNextWrites = 1 }));
        using var client = Client(host);

        using var failed = await Create(client, "written");
        using var next = await Create(client, "second");

        Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(host.GetService("default-project", "written"), Is.Not.Null, "the write was applied");
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(host.GetRequests()[0].Fault, Is.EqualTo("failed-after-write"));
        Assert.That(host.GetFaults().FailNextWrites, Is.Zero);
    }

    [Test]
    public async Task Write_faults_can_be_narrowed_by_method_and_path()
    {
        await using var host = await SimulatorHost.StartAsync(Options());
        host.UpdateFaults(f =>
        {
            f.FailAfterWriteRate = 1;
            f.WriteMethod = "POST";
            f.WritePathPattern = "/pause$";
        });
        using var client = Client(host);

        using var create = await Create(client, "web");
        using var pause = await client.PostAsync($"{Services}/web/pause", null);

        Assert.That(create.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(pause.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(host.GetService("default-project", "web")!.Paused, Is.True);
    }

    [Test]
    public async Task Server_errors_are_answered_without_touching_state()
    {
        await using var host = await SimulatorHost.StartAsync(Options(new FaultOptions { ServerErrorRate = 1 }));

        using var response = await Create(Client(host), "never");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(host.GetState().Services, Is.Empty);
    }

    [Test]
    public async Task Dropped_connections_give_the_client_no_response()
    {
        await using var host = await SimulatorHost.StartAsync(Options(new FaultOptions { DropConnectionRate = 1 }));

        Assert.That(async () => await Client(host).GetAsync("v1/plans"), Throws.InstanceOf<HttpRequestException>());
        Assert.That(host.GetRequests()[0], Has.Property("Status").Zero.And.Property("Fault").EqualTo("dropped-connection"));
    }

    [Test]
    public async Task A_held_write_is_applied_before_its_response_is_sent()
    {
        await using var host = await SimulatorHost.StartAsync(
            Options(new FaultOptions { HoldAfterWrite = TimeSpan.FromMinutes(5), HoldNextWrites = 1 }));
        using var client = Client(host);
        using var abandon = new CancellationTokenSource();

        var pending = Create(client, "held", abandon.Token);
        while (host.HeldResponses == 0)
        {
            await Task.Delay(10);
        }

        Assert.That(host.GetService("default-project", "held"), Is.Not.Null, "the write is applied before its answer is held");
        Assert.That(pending.IsCompleted, Is.False, "the response should still be held");
        await abandon.CancelAsync();
        Assert.That(async () => await pending, Throws.InstanceOf<OperationCanceledException>());
        while (host.GetRequests().Count == 0)
        {
            await Task.Delay(10);
        }

        Assert.That(host.GetRequests()[0], Has.Property("Status").Zero.And.Property("Fault").EqualTo("held-after-write"));
    }

    [Test]
    public async Task The_same_seed_gives_the_same_faults()
    {
        async Task<string> Outcomes()
        {
            await using var host = await SimulatorHost.StartAsync(Options(new FaultOptions { ServerErrorRate = 0.5 }));
            using var client = Client(host);
            var codes = new List<int>();
            for (var i = 0; i < 20; i++)
            {
                using var response = await client.GetAsync("v1/plans");
                codes.Add((int)response.StatusCode);
            }

            return string.Join(",", codes);
        }

        var first = await Outcomes();

        Assert.That(await Outcomes(), Is.EqualTo(first));
        Assert.That(first, Does.Contain("200").And.Contain("503"));
    }

    [Test]
    public async Task Inspection_api_reports_requests_counts_state_and_changes_faults()
    {
        await using var host = await SimulatorHost.StartAsync(Options());
        using var client = Client(host);
        await Create(client, "web");
        await client.GetAsync($"{Services}/web");
        using var inspector = new HttpClient { BaseAddress = host.BaseUrl };

        var counts = await inspector.GetFromJsonAsync<Dictionary<string, int>>("_sim/counts");
        var requests = await inspector.GetStringAsync("_sim/requests");
        var state = await inspector.GetFromJsonAsync<JsonObject>("_sim/state");
        using var changed = await inspector.PutAsJsonAsync("_sim/faults", new { serverErrorRate = 1.0 });
        using var failing = await client.GetAsync("v1/plans");
        using var reset = await inspector.PostAsync("_sim/reset", null);

        Assert.That(counts!["GET /v1/projects/{projectId}/services/{serviceId}"], Is.EqualTo(1));
        Assert.That(counts["POST /v1/projects/{projectId}/services/deployment"], Is.EqualTo(1));
        Assert.That(requests, Does.Contain("sha256:").And.Not.Contain(Token));
        Assert.That((string)state!["services"]![0]!["id"]!, Is.EqualTo("web"));
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(failing.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(host.GetState().Services, Is.Empty);
        Assert.That(host.GetFaults().ServerErrorRate, Is.Zero);
    }

    [Test]
    public async Task Invalid_fault_settings_are_rejected()
    {
        await using var host = await SimulatorHost.StartAsync(Options());
        using var inspector = new HttpClient { BaseAddress = host.BaseUrl };

        using var response = await inspector.PutAsJsonAsync("_sim/faults", new { dropConnectionRate = 2.0 });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(() => host.SetFaults(new FaultOptions { WritePathPattern = "(" }), Throws.ArgumentException);
    }

    [Test]
    public async Task Validation_errors_name_the_field_in_northflanks_error_shape()
    {
        await using var host = await SimulatorHost.StartAsync(Options());
        var body = ServiceBody("web");
        body["ports"] = new JsonArray(new JsonObject { ["name"] = "p", ["internalPort"] = 70000, ["protocol"] = "TCP" });

        using var response = await Client(host).PostAsJsonAsync($"{Services}/deployment", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var error = await Error(response);
        Assert.That((string)error["message"]!, Does.StartWith("ports[0].internalPort:"));
        Assert.That((string)error["details"]!["field"]!, Is.EqualTo("ports[0].internalPort"));
    }
}
