using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Templates.Setup;

namespace SandboxOperator.Controllers.Sandboxes.Setup;

/// <summary>
/// Which Sandboxes a Secret, ConfigMap or Northflank config concerns, so only those re-sync when it changes, and which
/// Secrets and ConfigMaps a Sandbox refers to, so a copy no Sandbox needs any more is dropped. Secrets and ConfigMaps
/// by namespace and name only: their watches hold metadata. A Sandbox's token Secret is its own (deprecated
/// credentialsSecretRef) or its config's. A Sandbox that names a SandboxTemplate is read with the template's fields
/// (its env, its configRef), as its controller reads it.
/// </summary>
public sealed class ReferenceIndex(AccessResolver access, InformerCache<SandboxTemplate>? templates = null)
{
    public IEnumerable<ObjectKey> SandboxesUsingSecret(ObjectKey secret, IReadOnlyEntityStore<Sandbox> sandboxes) =>
        sandboxes.List().Where(s => SecretsUsedBy(s).Contains(secret)).Select(ObjectKey.Of);

    public IEnumerable<ObjectKey> SandboxesUsingConfigMap(ObjectKey configMap, IReadOnlyEntityStore<Sandbox> sandboxes) =>
        sandboxes.ListByNamespace(configMap.Namespace ?? string.Empty)
            .Where(s => ConfigMapsUsedBy(s).Contains(configMap))
            .Select(ObjectKey.Of);

    public IEnumerable<ObjectKey> SandboxesUsingConfig(NorthflankConfig config, IReadOnlyEntityStore<Sandbox> sandboxes) =>
        Using(sandboxes, new ConfigKey(NorthflankConfig.EntityKind, config.Metadata.NamespaceProperty, config.Metadata.Name));

    public IEnumerable<ObjectKey> SandboxesUsingConfig(ClusterNorthflankConfig config, IReadOnlyEntityStore<Sandbox> sandboxes) =>
        Using(sandboxes, new ConfigKey(ClusterNorthflankConfig.EntityKind, null, config.Metadata.Name));

    /// <summary>The Secrets a Sandbox reads: its token (its own, else its config's) and its env (<see cref="SandboxReferences"/>).</summary>
    public IEnumerable<ObjectKey> SecretsUsedBy(Sandbox sandbox)
    {
        sandbox = Effective(sandbox);
        var credentials = SandboxReferences.Credentials(sandbox, () => CredentialsOf(sandbox));
        var env = SandboxReferences.Env(sandbox).Where(r => r.Kind == SandboxReferences.Secret).Select(r => new ObjectKey(r.Namespace, r.Name));
        return credentials is null ? env : env.Prepend(new ObjectKey(credentials.Namespace, credentials.Name));
    }

    public IEnumerable<ObjectKey> ConfigMapsUsedBy(Sandbox sandbox) =>
        SandboxReferences.Env(Effective(sandbox)).Where(r => r.Kind == SandboxReferences.ConfigMap).Select(r => new ObjectKey(r.Namespace, r.Name));

    /// <summary>The Sandbox with its template's fields, when it names one the cache holds (in its own namespace).</summary>
    public Sandbox Effective(Sandbox sandbox) => TemplateDirectory.Effective(sandbox, templates);

    /// <summary>The template the Sandbox names, when the cache holds it (in the Sandbox's own namespace).</summary>
    public SandboxTemplate? TemplateOf(Sandbox sandbox) =>
        sandbox.Spec.TemplateRef is { } reference && templates is not null && templates.TryGet(sandbox.Metadata.NamespaceProperty, reference.Name, out var template)
            ? template
            : null;

    private IEnumerable<ObjectKey> Using(IReadOnlyEntityStore<Sandbox> sandboxes, ConfigKey key) =>
        sandboxes.List().Where(s => access.KeyOf(Effective(s)) == key).Select(ObjectKey.Of);

    private SecretReference? CredentialsOf(Sandbox sandbox)
    {
        try
        {
            return access.Resolve(Effective(sandbox)).Credentials;
        }
        catch (InvalidInputException)
        {
            return null; // No usable config: no Secret of it to follow (a config change re-syncs it).
        }
    }
}
