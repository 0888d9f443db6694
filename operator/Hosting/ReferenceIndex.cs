using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Runtime;

namespace SandboxOperator.Hosting;

/// <summary>
/// Which Sandboxes a Secret or ConfigMap concerns, so only those re-sync when it changes, and which ones a Sandbox
/// refers to, so a copy no Sandbox needs any more is dropped. By namespace and name only: the watches hold metadata.
/// </summary>
public static class ReferenceIndex
{
    public static IEnumerable<ObjectKey> SandboxesUsingSecret(ObjectKey secret, IReadOnlyEntityStore<Sandbox> sandboxes, string defaultCredentialsNamespace, string defaultCredentialsName)
    {
        var ns = secret.Namespace ?? string.Empty;
        var name = secret.Name;
        var isDefault = ns == defaultCredentialsNamespace && name == defaultCredentialsName;
        var candidates = isDefault ? sandboxes.List() : sandboxes.ListByNamespace(ns);
        return candidates
            .Where(s => (isDefault && s.Spec.CredentialsSecretRef is null)
                || (s.Metadata.NamespaceProperty == ns && (s.Spec.CredentialsSecretRef?.Name == name || (s.Spec.Env ?? []).Any(e => e.ValueFrom?.SecretKeyRef?.Name == name))))
            .Select(ObjectKey.Of);
    }

    public static IEnumerable<ObjectKey> SandboxesUsingConfigMap(ObjectKey configMap, IReadOnlyEntityStore<Sandbox> sandboxes) =>
        sandboxes.ListByNamespace(configMap.Namespace ?? string.Empty)
            .Where(s => (s.Spec.Env ?? []).Any(e => e.ValueFrom?.ConfigMapKeyRef?.Name == configMap.Name))
            .Select(ObjectKey.Of);

    /// <summary>The Secrets a Sandbox reads: its credentials (its own, else the operator's default) and its env.</summary>
    public static IEnumerable<ObjectKey> SecretsUsedBy(Sandbox sandbox, string defaultCredentialsNamespace, string defaultCredentialsName)
    {
        var ns = sandbox.Metadata.NamespaceProperty;
        yield return sandbox.Spec.CredentialsSecretRef is { } own
            ? new ObjectKey(ns, own.Name)
            : new ObjectKey(defaultCredentialsNamespace, defaultCredentialsName);
        foreach (var variable in sandbox.Spec.Env ?? [])
        {
            if (variable.ValueFrom?.SecretKeyRef is { } secretRef)
            {
                yield return new ObjectKey(ns, secretRef.Name);
            }
        }
    }

    public static IEnumerable<ObjectKey> ConfigMapsUsedBy(Sandbox sandbox) =>
        (sandbox.Spec.Env ?? [])
            .Where(e => e.ValueFrom?.ConfigMapKeyRef is not null)
            .Select(e => new ObjectKey(sandbox.Metadata.NamespaceProperty, e.ValueFrom!.ConfigMapKeyRef!.Name));
}
