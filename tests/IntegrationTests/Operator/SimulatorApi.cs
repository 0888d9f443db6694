using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using NorthflankSimulator;

namespace IntegrationTests.Operator;

/// <summary>Plain HTTP calls to the simulator's /v1 API, for setting up and checking state independently of the operator's client.</summary>
internal sealed class SimulatorApi(SimulatorHost simulator) : IDisposable
{
    private readonly HttpClient http = new()
    {
        BaseAddress = simulator.BaseUrl,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", SimulatorOptions.DefaultDevelopmentToken) },
    };

    /// <summary>A service someone else made, without the operator's ownership tags.</summary>
    public async Task CreateForeignServiceAsync(string project, string name)
    {
        var body = new
        {
            name,
            billing = new { deploymentPlan = "nf-compute-20" },
            deployment = new { instances = 1, external = new { imagePath = "nginx:1.27" } },
        };
        var response = await http.PostAsJsonAsync($"v1/projects/{project}/services/deployment", body);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A volume someone else made and attached to their service.</summary>
    public async Task CreateForeignVolumeAsync(string project, string name, string attachedTo)
    {
        var body = new
        {
            name,
            mounts = new[] { new { containerMountPath = "/data" } },
            spec = new { accessMode = "ReadWriteOnce", storageSize = 4096 },
            attachedObjects = new[] { new { id = attachedTo, type = "service" } },
        };
        var response = await http.PostAsJsonAsync($"v1/projects/{project}/volumes", body);
        response.EnsureSuccessStatusCode();
    }

    public async Task<IReadOnlyDictionary<string, string>> RuntimeEnvironmentAsync(string project, string serviceId)
    {
        var json = await http.GetFromJsonAsync<JsonObject>($"v1/projects/{project}/services/{serviceId}/runtime-environment");
        var env = json!["data"]!["runtimeEnvironment"]!.AsObject();
        return env.ToDictionary(p => p.Key, p => p.Value!.GetValueKind() == JsonValueKind.String ? p.Value.GetValue<string>() : p.Value.ToJsonString());
    }

    public void Dispose() => http.Dispose();
}
