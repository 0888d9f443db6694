using k8s;
using k8s.Models;

namespace SandboxOperator.Connect;

/// <summary>What the API server's authorizer answered for one request.</summary>
public sealed record AccessDecision(bool Allowed, string? Reason);

/// <summary>Asks the API server whether a user may do something (a SubjectAccessReview): delegated authorization.</summary>
public interface IAccessReviewer
{
    Task<AccessDecision> ReviewAsync(V1SubjectAccessReview review, CancellationToken ct);
}

/// <summary>
/// Delegated authorization: each request is put to the cluster's own authorizer (RBAC, webhooks) as the user the API
/// server authenticated, for exactly the subresource asked, so <c>kubectl auth can-i create sandboxes/exec</c> and the
/// operator agree, and the operator holds no policy of its own.
/// </summary>
public static class AccessReview
{
    /// <summary>The review of <paramref name="subresource"/> (exec: create, log: get) of one Sandbox by <paramref name="user"/>.</summary>
    public static V1SubjectAccessReview For(ConnectUser user, string @namespace, string name, string subresource) => new()
    {
        ApiVersion = "authorization.k8s.io/v1",
        Kind = "SubjectAccessReview",
        Spec = new V1SubjectAccessReviewSpec
        {
            User = user.Name,
            Groups = [.. user.Groups],
            Extra = user.Extra.Count == 0 ? null : user.Extra.ToDictionary(e => e.Key, e => (IList<string>)[.. e.Value]),
            ResourceAttributes = new V1ResourceAttributes
            {
                Group = ConnectApi.Group,
                Version = ConnectApi.Version,
                Resource = ConnectApi.Resource,
                Subresource = subresource,
                Verb = ConnectApi.VerbOf(subresource),
                NamespaceProperty = @namespace,
                Name = name,
            },
        },
    };
}

/// <summary>Reviews through the API server (the operator needs <c>create subjectaccessreviews</c>).</summary>
public sealed class KubernetesAccessReviewer(IKubernetes kubernetes) : IAccessReviewer
{
    public async Task<AccessDecision> ReviewAsync(V1SubjectAccessReview review, CancellationToken ct)
    {
        var answer = await kubernetes.AuthorizationV1.CreateSubjectAccessReviewAsync(review, cancellationToken: ct);
        return new AccessDecision(answer.Status?.Allowed == true && answer.Status.Denied != true, answer.Status?.Reason);
    }
}
