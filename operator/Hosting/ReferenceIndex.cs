using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Runtime;

namespace SandboxOperator.Hosting;

/// <summary>Which Sandboxes a Secret or ConfigMap change concerns, so only those re-sync.</summary>
public static class ReferenceIndex
{
    public static IEnumerable<ObjectKey> SandboxesUsingSecret(V1Secret secret, IReadOnlyEntityStore<Sandbox> sandboxes, string defaultCredentialsNamespace, string defaultCredentialsName)
    {
        var ns = secret.Metadata.NamespaceProperty;
        var name = secret.Metadata.Name;
        var isDefault = ns == defaultCredentialsNamespace && name == defaultCredentialsName;
        var candidates = isDefault ? sandboxes.List() : sandboxes.ListByNamespace(ns);
        return candidates
            .Where(s => (isDefault && s.Spec.CredentialsSecretRef is null)
                || (s.Metadata.NamespaceProperty == ns && (s.Spec.CredentialsSecretRef?.Name == name || (s.Spec.Env ?? []).Any(e => e.ValueFrom?.SecretKeyRef?.Name == name))))
            .Select(ObjectKey.Of);
    }

    public static IEnumerable<ObjectKey> SandboxesUsingConfigMap(V1ConfigMap configMap, IReadOnlyEntityStore<Sandbox> sandboxes) =>
        sandboxes.ListByNamespace(configMap.Metadata.NamespaceProperty)
            .Where(s => (s.Spec.Env ?? []).Any(e => e.ValueFrom?.ConfigMapKeyRef?.Name == configMap.Metadata.Name))
            .Select(ObjectKey.Of);
}
