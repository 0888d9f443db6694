using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Reconciler;
using SandboxOperator.Reconciler.Access;
using SandboxOperator.Runtime;

namespace SandboxOperator.Hosting;

/// <summary>Which Sandboxes a change of a Secret, ConfigMap or Northflank config concerns, so only those re-sync.</summary>
public sealed class ReferenceIndex(AccessResolver access)
{
    public IEnumerable<ObjectKey> SandboxesUsingSecret(V1Secret secret, IReadOnlyEntityStore<Sandbox> sandboxes)
    {
        var ns = secret.Metadata.NamespaceProperty;
        var name = secret.Metadata.Name;
        return sandboxes.List()
            .Where(s => (s.Metadata.NamespaceProperty == ns && (s.Spec.CredentialsSecretRef?.Name == name || (s.Spec.Env ?? []).Any(e => e.ValueFrom?.SecretKeyRef?.Name == name)))
                || (s.Spec.CredentialsSecretRef is null && CredentialsOf(s) is { } credentials && credentials.Namespace == ns && credentials.Name == name))
            .Select(ObjectKey.Of);
    }

    public static IEnumerable<ObjectKey> SandboxesUsingConfigMap(V1ConfigMap configMap, IReadOnlyEntityStore<Sandbox> sandboxes) =>
        sandboxes.ListByNamespace(configMap.Metadata.NamespaceProperty)
            .Where(s => (s.Spec.Env ?? []).Any(e => e.ValueFrom?.ConfigMapKeyRef?.Name == configMap.Metadata.Name))
            .Select(ObjectKey.Of);

    public IEnumerable<ObjectKey> SandboxesUsingConfig(NorthflankConfig config, IReadOnlyEntityStore<Sandbox> sandboxes) =>
        Using(sandboxes, new ConfigKey(NorthflankConfig.EntityKind, config.Metadata.NamespaceProperty, config.Metadata.Name));

    public IEnumerable<ObjectKey> SandboxesUsingConfig(ClusterNorthflankConfig config, IReadOnlyEntityStore<Sandbox> sandboxes) =>
        Using(sandboxes, new ConfigKey(ClusterNorthflankConfig.EntityKind, null, config.Metadata.Name));

    private IEnumerable<ObjectKey> Using(IReadOnlyEntityStore<Sandbox> sandboxes, ConfigKey key) =>
        sandboxes.List().Where(s => access.KeyOf(s) == key).Select(ObjectKey.Of);

    private SecretReference? CredentialsOf(Sandbox sandbox)
    {
        try
        {
            return access.Resolve(sandbox).Credentials;
        }
        catch (InvalidInputException)
        {
            return null; // No usable config: no Secret of it to follow (a config change re-syncs it).
        }
    }
}
