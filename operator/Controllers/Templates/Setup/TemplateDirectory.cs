using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Templates.Setup;

/// <summary>
/// SandboxTemplates from the template controller's watch of them, the only one (it covers the namespaces Sandboxes are
/// watched in), which every reader and every wake shares; until that watch has synced, read from the API server. Only ever in the namespace asked for: a tenant's reference never reaches
/// another namespace.
/// </summary>
public sealed class TemplateDirectory(InformerCache<SandboxTemplate> cache, IEntityClient<SandboxTemplate> client) : ISandboxTemplates
{
    public async Task<SandboxTemplate?> GetAsync(string namespaceName, string name, CancellationToken ct)
    {
        if (cache.HasSynced)
        {
            return cache.TryGet(namespaceName, name, out var template) ? template : null;
        }

        return await client.GetAsync(name, namespaceName, ct);
    }

    /// <summary>The Sandbox with its template's fields, when it names one the cache holds (in its own namespace only).</summary>
    public static Sandbox Effective(Sandbox sandbox, InformerCache<SandboxTemplate>? templates) =>
        sandbox.Spec.TemplateRef is { } reference && templates is not null && templates.TryGet(sandbox.Metadata.NamespaceProperty, reference.Name, out var template)
            ? TemplateMerge.Apply(sandbox, template)
            : sandbox;

    /// <summary>The Sandboxes, pools and claims a template concerns: those in its namespace that name it.</summary>
    public static IEnumerable<ObjectKey> Using<T>(SandboxTemplate template, IReadOnlyEntityStore<T> store, Func<T, string?> templateName)
        where T : k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> =>
        store.ListByNamespace(template.Metadata.NamespaceProperty)
            .Where(o => templateName(o) == template.Metadata.Name)
            .Select(o => ObjectKey.Of(o));
}
