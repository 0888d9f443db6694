using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;
using SandboxOperator.Telemetry;

namespace UnitTests.Northflank;

[TestFixture]
public sealed class NorthflankApiClientTests
{
    private const string Secret = "nfapi-secret-value-7d1c0ffee";
    private const string Project = "sandbox-project";

    private static readonly object ServiceData = new
    {
        id = "svc-1",
        appId = "/team/sandbox-project/svc-1",
        projectId = Project,
        name = "svc-1",
        tags = new[] { "sandbox" },
        serviceType = "deployment",
        createdAt = "2021-01-01 12:00:00.000Z",
        disabledCI = true,
        billing = new { deploymentPlan = "nf-compute-20" },
        status = new { deployment = new { status = "COMPLETED", reason = "DEPLOYING", lastTransitionTime = "2021-11-29T11:47:16.624Z" } },
        servicePaused = false,
        deployment = new { instances = 1, external = new { imagePath = "nginx:1.27", registryProvider = "dockerhub", privateImage = false } },
        ports = new[] { new { id = "p01", name = "http", internalPort = 8080, protocol = "HTTP", @public = true, dns = "http--svc-1.code.run", domains = Array.Empty<object>() } },
    };

    private readonly NorthflankToken token = new(Secret);
    private FakeTimeProvider time = null!;
    private StubServer? stub;
    private NorthflankApiClient? client;
    private RequestBudget? budget;

    private RequestBudget Budget => budget!;

    private IReadOnlyList<RecordedRequest> Requests => [.. stub!.Requests];

    [SetUp]
    public void SetUp() => time = new FakeTimeProvider();

    [TearDown]
    public async Task TearDown()
    {
        client?.Dispose();
        budget?.Dispose();
        if (stub is not null)
        {
            await stub.DisposeAsync();
        }

        (client, budget, stub) = (null, null, null);
    }

    [Test]
    public async Task Get_service_sends_the_bearer_token_and_unwraps_data()
    {
        var api = await StartAsync(_ => StubResponse.Data(ServiceData));

        var service = await api.GetServiceAsync(Project, "svc-1", RequestPriority.Observe, CancellationToken.None);

        var request = Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("GET"));
            Assert.That(request.Path, Is.EqualTo("/v1/projects/sandbox-project/services/svc-1"));
            Assert.That(request.Authorization, Is.EqualTo("Bearer " + Secret));
            Assert.That(service, Is.Not.Null);
            Assert.That(service!.Id, Is.EqualTo("svc-1"));
            Assert.That(service.Billing!.DeploymentPlan, Is.EqualTo("nf-compute-20"));
            Assert.That(service.Status!.Deployment!.Status, Is.EqualTo(DeploymentStates.Completed));
            Assert.That(service.Deployment!.Instances, Is.EqualTo(1));
            Assert.That(service.Deployment.External!.ImagePath, Is.EqualTo("nginx:1.27"));
            Assert.That(service.Ports!.Single().Dns, Is.EqualTo("http--svc-1.code.run"));
            Assert.That(service.CreatedAt, Is.EqualTo(new DateTimeOffset(2021, 1, 1, 12, 0, 0, TimeSpan.Zero)));
        });
    }

    [Test]
    public async Task Ids_are_escaped_in_the_path()
    {
        var api = await StartAsync(_ => StubResponse.Data(ServiceData));

        await api.GetServiceAsync("my project", "svc-1", RequestPriority.Observe, CancellationToken.None);

        Assert.That(Requests.Single().Path, Is.EqualTo("/v1/projects/my%20project/services/svc-1"));
    }

    [Test]
    public async Task Gets_answer_null_on_404()
    {
        var api = await StartAsync(_ => StubResponse.Error(404, "Not found"));

        var service = await api.GetServiceAsync(Project, "gone", RequestPriority.Observe, CancellationToken.None);
        var volume = await api.GetVolumeAsync(Project, "gone", RequestPriority.Observe, CancellationToken.None);

        Assert.That(service, Is.Null);
        Assert.That(volume, Is.Null);
        Assert.That(Requests, Has.Count.EqualTo(2), "a 404 is an answer, not a failure to retry");
    }

    [Test]
    public async Task Deletes_succeed_on_404_and_pass_delete_child_objects()
    {
        var api = await StartAsync(_ => StubResponse.Error(404, "Not found"));

        await api.DeleteServiceAsync(Project, "svc-1", deleteChildObjects: true, CancellationToken.None);
        await api.DeleteVolumeAsync(Project, "vol-1", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Requests[0].Method, Is.EqualTo("DELETE"));
            Assert.That(Requests[0].Path, Is.EqualTo("/v1/projects/sandbox-project/services/svc-1"));
            Assert.That(Requests[0].Query["delete_child_objects"], Is.EqualTo("true"));
            Assert.That(Requests[1].Method, Is.EqualTo("DELETE"));
            Assert.That(Requests[1].Path, Is.EqualTo("/v1/projects/sandbox-project/volumes/vol-1"));
        });
    }

    [Test]
    public async Task Other_methods_throw_on_404()
    {
        var api = await StartAsync(_ => StubResponse.Error(404, "Service not found", "err-404"));

        var error = await CatchAsync(() => api.ListContainersAsync(Project, "svc-1", RequestPriority.Observe, CancellationToken.None));

        Assert.That(error.IsNotFound, Is.True);
        Assert.That(error.Message, Is.EqualTo("Service not found"));
    }

    [Test]
    public async Task List_services_follows_the_cursor_until_has_next_page_is_false()
    {
        var services = Enumerable.Range(0, 250).Select(i => new { id = $"svc-{i}", name = $"svc-{i}", projectId = Project, tags = Array.Empty<string>() }).ToList();
        var api = await StartAsync(request =>
        {
            var page = request.Query.TryGetValue("cursor", out var cursor) ? int.Parse(cursor[1..], System.Globalization.CultureInfo.InvariantCulture) : 0;
            var items = services.Skip(page * 100).Take(100).ToList();
            var hasNext = (page + 1) * 100 < services.Count;
            // Northflank may still send a cursor on the last page; hasNextPage decides.
            return StubResponse.Data(new { services = items }, new { hasNextPage = hasNext, cursor = $"c{page + 1}", count = items.Count });
        });

        var listed = await api.ListServicesAsync(Project, RequestPriority.Background, CancellationToken.None);

        Assert.That(listed.Select(s => s.Id), Is.EqualTo(services.Select(s => s.id)));
        Assert.That(Requests, Has.Count.EqualTo(3));
        Assert.Multiple(() =>
        {
            Assert.That(Requests.All(r => r.Method == "GET" && r.Path == "/v1/projects/sandbox-project/services"), Is.True);
            Assert.That(Requests.Select(r => r.Query["per_page"]), Is.All.EqualTo("100"));
            Assert.That(Requests.Select(r => r.Query.GetValueOrDefault("cursor")), Is.EqualTo(new[] { null, "c1", "c2" }));
        });
    }

    [Test]
    public async Task Create_deployment_service_posts_the_reference_body()
    {
        var api = await StartAsync(_ => StubResponse.Data(ServiceData));
        var settings = new ServiceSpec
        {
            Description = "Managed by northflank-sandbox-operator (cluster it, uid u-1): Sandbox ns/a",
            Tags = ["gvisor"],
            Billing = new BillingSpec { DeploymentPlan = "nf-compute-20" },
            Deployment = new DeploymentSpec
            {
                Instances = 1,
                External = new ExternalImage { ImagePath = "nginx:1.27" },
                Docker = new DockerSpec { ConfigType = "customCommand", CustomCommand = "sleep infinity" },
                Storage = new StorageSpec { EphemeralStorage = new EphemeralStorage { StorageSize = 1024 } },
            },
            Ports = [new PortRequest { Name = "http", InternalPort = 8080, Public = true, Protocol = "HTTP" }],
            RuntimeEnvironment = new Dictionary<string, string> { ["MY_VAR"] = "x" },
        };

        var service = await api.CreateDeploymentServiceAsync(Project, new CreateServiceRequest(settings)
        {
            Name = "svc-1",
            CreateOptions = new CreateOptions { ExpiryTime = 3600 },
        }, CancellationToken.None);

        var sent = Requests.Single();
        Assert.That(sent.Method, Is.EqualTo("POST"));
        Assert.That(sent.Path, Is.EqualTo("/v1/projects/sandbox-project/services/deployment"));
        AssertJson(sent.Body, """
            {"name":"svc-1","createOptions":{"expiryTime":3600},
             "description":"Managed by northflank-sandbox-operator (cluster it, uid u-1): Sandbox ns/a","tags":["gvisor"],
             "billing":{"deploymentPlan":"nf-compute-20"},
             "deployment":{"instances":1,"external":{"imagePath":"nginx:1.27"},
               "docker":{"configType":"customCommand","customCommand":"sleep infinity"},
               "storage":{"ephemeralStorage":{"storageSize":1024}}},
             "ports":[{"name":"http","internalPort":8080,"public":true,"protocol":"HTTP"}],
             "runtimeEnvironment":{"MY_VAR":"x"}}
            """);
        Assert.That(service.Id, Is.EqualTo("svc-1"));
    }

    [Test]
    public async Task A_create_is_never_retried_automatically()
    {
        var api = await StartAsync(_ => StubResponse.Error(503, "unavailable"));

        var error = await CatchAsync(() => api.CreateDeploymentServiceAsync(Project, new CreateServiceRequest(MinimalSettings()) { Name = "svc-1" }, CancellationToken.None));

        Assert.That(error.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(Requests, Has.Count.EqualTo(1), "a retried POST after a lost answer would 409: the reconcile decides");
    }

    [Test]
    public async Task Patch_sends_only_the_settings_never_the_name_or_create_options()
    {
        var api = await StartAsync(_ => StubResponse.Data(ServiceData));
        var create = new CreateServiceRequest(MinimalSettings()) { Name = "svc-1", CreateOptions = new CreateOptions { ExpiryTime = 600 } };

        await api.PatchDeploymentServiceAsync(Project, "svc-1", create, CancellationToken.None);

        var sent = Requests.Single();
        Assert.That((sent.Method, sent.Path), Is.EqualTo(("PATCH", "/v1/projects/sandbox-project/services/deployment/svc-1")));
        AssertJson(sent.Body, """
            {"billing":{"deploymentPlan":"nf-compute-20"},"deployment":{"instances":1,"external":{"imagePath":"nginx:1.27"}}}
            """);
    }

    [Test]
    public async Task Pause_and_resume_post_their_bodies()
    {
        var api = await StartAsync(_ => new StubResponse(200, "{}"));

        await api.PauseServiceAsync(Project, "svc-1", CancellationToken.None);
        await api.ResumeServiceAsync(Project, "svc-1", 1, CancellationToken.None);
        await api.ResumeServiceAsync(Project, "svc-1", null, CancellationToken.None);

        Assert.That(Requests.Select(r => r.Method), Is.All.EqualTo("POST"));
        Assert.Multiple(() =>
        {
            Assert.That(Requests[0].Path, Is.EqualTo("/v1/projects/sandbox-project/services/svc-1/pause"));
            Assert.That(Requests[0].Body, Is.Empty);
            Assert.That(Requests[1].Path, Is.EqualTo("/v1/projects/sandbox-project/services/svc-1/resume"));
        });
        AssertJson(Requests[1].Body, """{"instances":1}""");
        AssertJson(Requests[2].Body, "{}");
    }

    [Test]
    public async Task Containers_are_listed_across_pages()
    {
        var api = await StartAsync(request => request.Query.ContainsKey("cursor")
            ? StubResponse.Data(new { containers = new[] { new { name = "c-2", createdAt = 1611241087, status = "TASK_RUNNING", updatedAt = 1611241087 } } }, new { hasNextPage = false, count = 1 })
            : StubResponse.Data(new { containers = new[] { new { name = "c-1", createdAt = 1611241087, status = "TASK_FAILED", updatedAt = 1611241087 } } }, new { hasNextPage = true, cursor = "next", count = 1 }));

        var containers = await api.ListContainersAsync(Project, "svc-1", RequestPriority.Observe, CancellationToken.None);

        Assert.That(containers.Select(c => (c.Name, c.Status)), Is.EqualTo(new[] { ("c-1", "TASK_FAILED"), ("c-2", "TASK_RUNNING") }));
        Assert.That(Requests.Select(r => r.Path), Is.All.EqualTo("/v1/projects/sandbox-project/services/svc-1/containers"));
    }

    [Test]
    public async Task Volumes_are_created()
    {
        var api = await StartAsync(_ => StubResponse.Data(Volume("vol-1")));

        var created = await api.CreateVolumeAsync(Project, new VolumeRequest
        {
            Name = "vol-1",
            Mounts = [new VolumeMount { ContainerMountPath = "/data" }],
            Spec = new VolumeSpec { AccessMode = "ReadWriteOnce", StorageClassName = "ssd", StorageSize = 6144 },
            AttachedObjects = [new AttachedObject { Id = "svc-1" }],
        }, CancellationToken.None);

        Assert.That(created.Status, Is.EqualTo("BOUND"));
        Assert.That(created.AttachedObjects!.Single().Id, Is.EqualTo("svc-1"));
        Assert.That((Requests[0].Method, Requests[0].Path), Is.EqualTo(("POST", "/v1/projects/sandbox-project/volumes")));
        AssertJson(Requests[0].Body, """
            {"name":"vol-1","mounts":[{"containerMountPath":"/data"}],
             "spec":{"accessMode":"ReadWriteOnce","storageClassName":"ssd","storageSize":6144},
             "attachedObjects":[{"id":"svc-1","type":"service"}]}
            """);
    }

    [Test]
    public async Task Errors_carry_northflanks_message_status_and_id_but_neither_token_nor_body()
    {
        var api = await StartAsync(_ => StubResponse.Error(400, "  Invalid runtime environment variable name  ", "err-123"));

        var error = await CatchAsync(() => api.PatchDeploymentServiceAsync(
            Project, "svc-1", MinimalSettings() with { RuntimeEnvironment = new Dictionary<string, string> { ["bad name"] = "super-secret-db-password" } }, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(error.Message, Is.EqualTo("Invalid runtime environment variable name"));
            Assert.That(error.ErrorId, Is.EqualTo("err-123"));
            Assert.That(error.IsTransient, Is.False);
            Assert.That(error.ToString(), Does.Not.Contain(Secret));
            Assert.That(error.ToString(), Does.Not.Contain("super-secret-db-password"));
            Assert.That(Requests, Has.Count.EqualTo(1), "a 400 is not retried");
        });
    }

    [Test]
    public async Task A_non_json_error_still_maps_to_the_status()
    {
        var api = await StartAsync(_ => new StubResponse(422, "<html>proxy page</html>"));

        var error = await CatchAsync(() => api.GetServiceAsync(Project, "svc-1", RequestPriority.Observe, CancellationToken.None));

        Assert.That((int?)error.Status, Is.EqualTo(422));
        Assert.That(error.Message, Does.Contain("422"));
        Assert.That(error.Message, Does.Not.Contain("proxy page"));
    }

    [Test]
    public async Task Idempotent_calls_are_retried_on_transient_failures_and_each_retry_pays_the_budget()
    {
        var calls = 0;
        var api = await StartAsync(_ => Interlocked.Increment(ref calls) < 3 ? StubResponse.Error(503, "unavailable") : StubResponse.Data(ServiceData));
        var before = Budget.Granted;

        var service = await api.GetServiceAsync(Project, "svc-1", RequestPriority.Observe, CancellationToken.None);

        Assert.That(service, Is.Not.Null);
        Assert.That(Requests, Has.Count.EqualTo(3));
        Assert.That(Budget.Granted - before, Is.EqualTo(3));
    }

    [Test]
    public async Task After_the_retries_are_spent_the_transient_error_is_thrown()
    {
        var api = await StartAsync(_ => StubResponse.Error(502, "bad gateway"), maxRetries: 2);

        var error = await CatchAsync(() => api.PauseServiceAsync(Project, "svc-1", CancellationToken.None));

        Assert.That(error.Status, Is.EqualTo(HttpStatusCode.BadGateway));
        Assert.That(error.IsTransient, Is.True);
        Assert.That(Requests, Has.Count.EqualTo(3), "one try and two retries");
    }

    [Test]
    public async Task Create_volume_is_never_retried()
    {
        var api = await StartAsync(_ => StubResponse.Error(503, "unavailable"), maxRetries: 2);

        var error = await CatchAsync(() => api.CreateVolumeAsync(Project, new VolumeRequest
        {
            Name = "vol-1",
            Mounts = [new VolumeMount { ContainerMountPath = "/data" }],
            Spec = new VolumeSpec { AccessMode = "ReadWriteOnce", StorageSize = 1024 },
        }, CancellationToken.None));

        Assert.That(error.IsTransient, Is.True);
        Assert.That(Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_conflict_is_not_retried()
    {
        var api = await StartAsync(_ => StubResponse.Error(409, "Name already in use"));

        var error = await CatchAsync(() => api.PatchDeploymentServiceAsync(Project, "svc-1", MinimalSettings(), CancellationToken.None));

        Assert.That(error.IsConflict, Is.True);
        Assert.That(Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Rate_limit_headers_correct_the_budget()
    {
        var api = await StartAsync(_ => StubResponse.Data(ServiceData) with
        {
            Headers = new Dictionary<string, string> { ["X-RateLimit-Remaining"] = "0", ["X-RateLimit-Reset"] = "60" },
        });

        await api.GetServiceAsync(Project, "svc-1", RequestPriority.Observe, CancellationToken.None);

        Assert.That(Budget.Remaining, Is.Zero);
        Assert.That(Budget.PausedUntil, Is.EqualTo(time.GetUtcNow() + TimeSpan.FromSeconds(60)));
    }

    [Test]
    public async Task A_request_that_takes_too_long_fails_without_a_status()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stub = await StubServer.StartAsync(async (_, ct) =>
        {
            received.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return new StubResponse(200);
        });
        var api = Create(maxRetries: 0, timeout: TimeSpan.FromSeconds(5));

        var get = api.GetServiceAsync(Project, "svc-1", RequestPriority.Observe, CancellationToken.None);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(5));
        var error = await CatchAsync(() => get);

        Assert.That(error.Status, Is.Null);
        Assert.That(error.IsTransient, Is.True);
        Assert.That(error.Message, Does.Contain("/v1/projects/{projectId}/services/{serviceId}"));
    }

    [Test]
    public async Task No_answer_at_all_fails_without_a_status()
    {
        // A port that was free a moment ago: nobody listens there.
        var api = CreateAgainst(await FreePortUrl(), maxRetries: 0);

        var error = await CatchAsync(() => api.GetServiceAsync(Project, "svc-1", RequestPriority.Observe, CancellationToken.None));

        Assert.That(error.Status, Is.Null);
        Assert.That(error.ToString(), Does.Not.Contain(Secret));
    }

    [Test]
    public async Task Caller_cancellation_is_not_an_api_error()
    {
        stub = await StubServer.StartAsync(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new StubResponse(200);
        });
        var api = Create();
        using var cts = new CancellationTokenSource();

        var get = api.GetServiceAsync(Project, "svc-1", RequestPriority.Observe, cts.Token);
        await Eventually.True(() => !stub.Requests.IsEmpty);
        await cts.CancelAsync();

        await Assert.ThatAsync(async () => await get, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Each_request_is_counted_and_traced_by_route_template()
    {
        var counted = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == NorthflankTelemetry.Name && instrument.Name == "northflank_requests_total")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            lock (counted)
            {
                counted.Add((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        });
        meters.Start();
        var activities = new List<Activity>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NorthflankTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (activities)
                {
                    activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(tracing);
        var api = await StartAsync(_ => StubResponse.Data(ServiceData));

        await api.GetServiceAsync(Project, "svc-unique-42", RequestPriority.Observe, CancellationToken.None);

        const string route = "/v1/projects/{projectId}/services/{serviceId}";
        List<Dictionary<string, object?>> mine;
        lock (counted)
        {
            mine = [.. counted.Where(c => Equals(c.Tags["endpoint"], route)).Select(c => c.Tags)];
        }

        Assert.That(mine, Has.Count.GreaterThanOrEqualTo(1));
        Assert.That(mine[^1]["method"], Is.EqualTo("GET"));
        Assert.That(mine[^1]["status"], Is.EqualTo("200"));
        Activity? span;
        lock (activities)
        {
            span = activities.LastOrDefault(a => a.OperationName == NorthflankTelemetry.RequestActivityName);
        }

        Assert.That(span, Is.Not.Null);
        Assert.That(span!.Kind, Is.EqualTo(ActivityKind.Client));
        Assert.That(span.GetTagItem("northflank.endpoint"), Is.EqualTo(route));
        Assert.That(span.GetTagItem("http.response.status_code"), Is.EqualTo("200"));
        Assert.That(span.TagObjects.Select(t => t.Value?.ToString() ?? string.Empty), Has.None.Contains("svc-unique-42").And.None.Contains(Secret));
    }

    private static object Volume(string id) => new
    {
        id,
        name = id,
        tags = Array.Empty<string>(),
        spec = new { accessMode = "ReadWriteOnce", storageClassName = "ssd", storageSize = 6144 },
        attachedObjects = new[] { new { id = "svc-1", type = "service" } },
        status = "BOUND",
        createdAt = "2021-01-01 12:00:00.000Z",
        updatedAt = "2021-01-01 12:00:00.000Z",
    };

    private static ServiceSpec MinimalSettings() => new()
    {
        Billing = new BillingSpec { DeploymentPlan = "nf-compute-20" },
        Deployment = new DeploymentSpec { Instances = 1, External = new ExternalImage { ImagePath = "nginx:1.27" } },
    };

    private static void AssertJson(string actual, string expected)
    {
        var a = JsonSerializer.Serialize(JsonDocument.Parse(actual).RootElement);
        var e = JsonSerializer.Serialize(JsonDocument.Parse(expected).RootElement);
        Assert.That(a, Is.EqualTo(e));
    }

    private static async Task<NorthflankApiException> CatchAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (NorthflankApiException ex)
        {
            return ex;
        }

        Assert.Fail("expected a NorthflankApiException");
        throw new UnreachableException();
    }

    private static async Task<Uri> FreePortUrl()
    {
        var free = await StubServer.StartAsync(_ => new StubResponse(200));
        var url = free.BaseUrl;
        await free.DisposeAsync();
        return url;
    }

    private async Task<NorthflankApiClient> StartAsync(Func<RecordedRequest, StubResponse> handler, int maxRetries = 2)
    {
        stub = await StubServer.StartAsync(handler);
        return Create(maxRetries);
    }

    private NorthflankApiClient Create(int maxRetries = 2, TimeSpan? timeout = null) => CreateAgainst(stub!.BaseUrl, maxRetries, timeout);

    private NorthflankApiClient CreateAgainst(Uri baseUrl, int maxRetries, TimeSpan? timeout = null)
    {
        var options = new NorthflankClientOptions
        {
            BaseUrl = baseUrl,
            MaxRetries = maxRetries,
            // Zero base delay: retries need no fake-time advance; the budget still charges each one.
            RetryBaseDelay = TimeSpan.Zero,
            RequestTimeout = timeout ?? TimeSpan.FromSeconds(30),
            BurstSize = 20,
        };
        budget = new RequestBudget(options.RequestsPerHour, options.Headroom, options.BurstSize, time, token.Fingerprint);
        client = new NorthflankApiClient(token, TestGate.Of(options, budget), options.Wire, timeProvider: time);
        return client;
    }
}
