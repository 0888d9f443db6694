using System.Text;
using k8s;
using k8s.Models;

namespace TestInfra;

/// <summary>
/// An API group served by a process of the test run, registered with kube-apiserver's aggregation layer as a cluster
/// would: a selector-less Service whose Endpoints name the process's address (a <see cref="PrivateLink"/> one, since
/// Endpoints refuse loopback), and an APIService pointing at it with the CA of the process's serving certificate.
/// Disposing deletes the APIService: it is cluster-scoped, and one whose server is gone makes discovery fail for everyone
/// else on the control plane.
/// </summary>
public sealed class AggregatedApi : IAsyncDisposable
{
    private readonly IKubernetes admin;

    private AggregatedApi(IKubernetes admin, string apiServiceName) => (this.admin, ApiServiceName) = (admin, apiServiceName);

    /// <summary><c>&lt;version&gt;.&lt;group&gt;</c>, the APIService's name.</summary>
    public string ApiServiceName { get; }

    /// <summary>
    /// Creates Service <paramref name="serviceName"/> and its Endpoints in <paramref name="namespace"/> (port 443 to
    /// <paramref name="address"/>:<paramref name="port"/>) and the APIService of <paramref name="group"/>/<paramref name="version"/>.
    /// </summary>
    public static async Task<AggregatedApi> RegisterAsync(
        IKubernetes admin, string group, string version, string @namespace, string serviceName, string address, int port, string caBundlePem, CancellationToken ct = default)
    {
        await admin.CoreV1.CreateNamespacedServiceAsync(
            new V1Service { Metadata = new V1ObjectMeta { Name = serviceName }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 443, TargetPort = port }] } },
            @namespace,
            cancellationToken: ct);
        await admin.CoreV1.CreateNamespacedEndpointsAsync(
            new V1Endpoints
            {
                Metadata = new V1ObjectMeta { Name = serviceName },
                Subsets = [new V1EndpointSubset { Addresses = [new V1EndpointAddress { Ip = address }], Ports = [new Corev1EndpointPort { Port = port }] }],
            },
            @namespace,
            cancellationToken: ct);
        var name = $"{version}.{group}";
        await admin.ApiregistrationV1.CreateAPIServiceAsync(
            new V1APIService
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new V1APIServiceSpec
                {
                    Group = group,
                    Version = version,
                    GroupPriorityMinimum = 1000,
                    VersionPriority = 15,
                    CaBundle = Encoding.UTF8.GetBytes(caBundlePem),
                    Service = new Apiregistrationv1ServiceReference { Name = serviceName, NamespaceProperty = @namespace, Port = 443 },
                },
            },
            cancellationToken: ct);
        return new AggregatedApi(admin, name);
    }

    /// <summary>
    /// Waits until kube-apiserver reports the APIService Available (it reached the server's discovery); a timeout says
    /// the last reason kube-apiserver gave, which is what tells a bad caBundle from an unreachable address.
    /// </summary>
    public async Task WaitUntilAvailableAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        V1APIServiceCondition? available = null;
        try
        {
            await Poll.UntilAsync(
                async c =>
                {
                    var apiService = await admin.ApiregistrationV1.ReadAPIServiceAsync(ApiServiceName, cancellationToken: c);
                    available = apiService.Status?.Conditions?.FirstOrDefault(condition => condition.Type == "Available");
                    return available?.Status == "True";
                },
                timeout,
                $"APIService {ApiServiceName} is Available",
                ct);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"APIService {ApiServiceName} not Available after {timeout.TotalSeconds:F0} s: {available?.Reason}: {available?.Message}", e);
        }
    }

    public async ValueTask DisposeAsync() => await admin.ApiregistrationV1.DeleteAPIServiceAsync(ApiServiceName);
}
