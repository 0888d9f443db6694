using System.Diagnostics;
using System.Net.Http.Headers;
using k8s;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Connect;
using TestInfra;

namespace Benchmarks;

/// <summary>
/// Two parts of a session's start through Kubernetes, timed on their own to show where it goes: the way in (a fresh
/// TLS connection to kube-apiserver and a GET the aggregator proxies to the operator, which only authenticates it) and
/// the API calls the operator makes, one after the other, before it upgrades the session.
/// </summary>
internal sealed class ConnectPathProbe(LocalControlPlane controlPlane, string @namespace, string sandbox, UserCredential user)
{
    /// <summary>
    /// <c>GET /apis/connect.sandbox.northflank.com/v1alpha1</c> as the user, on a new connection each time (as each exec
    /// has one): TLS, authentication and authorization at kube-apiserver, its proxy to the operator, the operator's check
    /// of the front proxy's certificate. An upgrade also dials the operator anew, which this GET (on the aggregator's
    /// pooled connection) does not.
    /// </summary>
    public async Task<double> DiscoveryAsync(CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        using var handler = new SocketsHttpHandler();
        // The per-run API server's self-signed certificate on loopback, as every TestInfra client trusts it.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(controlPlane.Server, $"/apis/{ConnectApi.GroupVersion}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync(ct);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>
    /// The operator's calls before an upgrade, as it makes them (one after the other, on a warm connection): the
    /// SubjectAccessReview of the user, the Sandbox, the credentials Secret, the ExecStarted Event.
    /// </summary>
    public async Task<double> OperatorCallsAsync(IKubernetes admin, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        // The operator's own review of the user (the groups kube-apiserver names: system:authenticated).
        var review = AccessReview.For(new ConnectUser(user.UserName, ["system:authenticated"], new Dictionary<string, IReadOnlyList<string>>()), @namespace, sandbox, ConnectApi.Exec);
        await admin.AuthorizationV1.CreateSubjectAccessReviewAsync(review, cancellationToken: ct);
        await admin.CustomObjects.GetNamespacedCustomObjectAsync(Sandbox.Group, Sandbox.Version, @namespace, Sandbox.Plural, sandbox, ct);
        await admin.CoreV1.ReadNamespacedSecretAsync(BenchRig.SecretName, @namespace, cancellationToken: ct);
        await admin.CoreV1.CreateNamespacedEventAsync(
            new Corev1Event
            {
                Metadata = new V1ObjectMeta { GenerateName = $"{sandbox}.probe." },
                InvolvedObject = new V1ObjectReference { ApiVersion = $"{Sandbox.Group}/{Sandbox.Version}", Kind = Sandbox.EntityKind, Name = sandbox, NamespaceProperty = @namespace },
                Reason = "BenchProbe",
                Message = "the connect benchmark times an Event write",
                Type = "Normal",
            },
            @namespace,
            cancellationToken: ct);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
