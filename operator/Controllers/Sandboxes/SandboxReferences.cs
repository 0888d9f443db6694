using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Configs;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// The Kubernetes objects a Sandbox reads, decided in one place: what its reconcile resolves (<see cref="InputResolver"/>)
/// and what wakes it when they change (<c>ReferenceIndex</c>) both come from here, so a new reference field added here
/// is both read and watched. Always applied to the Sandbox as merged with its template. Pure.
/// </summary>
public static class SandboxReferences
{
    public const string Secret = "Secret";
    public const string ConfigMap = "ConfigMap";

    /// <summary>
    /// The Secret holding the token: the Sandbox's own (deprecated credentialsSecretRef), else its config's, asked for
    /// only then (null when the config cannot say).
    /// </summary>
    public static SecretReference? Credentials(Sandbox merged, Func<SecretReference?> configCredentials) =>
        merged.Spec.CredentialsSecretRef is { } own
            ? new SecretReference(merged.Metadata.NamespaceProperty, own.Name, own.Key)
            : configCredentials();

    /// <summary>What an env variable reads (always in the Sandbox's own namespace); null for a literal value.</summary>
    public static ObjectReference? Of(Sandbox merged, SandboxEnvVar variable) => variable.ValueFrom switch
    {
        { SecretKeyRef: { } secret } => new ObjectReference(Secret, merged.Metadata.NamespaceProperty, secret.Name, secret.Key, secret.Optional == true),
        { ConfigMapKeyRef: { } configMap } => new ObjectReference(ConfigMap, merged.Metadata.NamespaceProperty, configMap.Name, configMap.Key, configMap.Optional == true),
        _ => null,
    };

    /// <summary>Every object the env of the Sandbox reads.</summary>
    public static IEnumerable<ObjectReference> Env(Sandbox merged) =>
        (merged.Spec.Env ?? []).Select(variable => Of(merged, variable)).OfType<ObjectReference>();
}

/// <summary>One key of a Secret or ConfigMap a Sandbox reads (<see cref="SandboxReferences"/>).</summary>
public sealed record ObjectReference(string Kind, string Namespace, string Name, string Key, bool Optional);
