using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;

namespace SandboxOperator.Controllers.Configs;

/// <summary>
/// Finds the config a Sandbox uses, before any call to Northflank: a refusal is an <see cref="InvalidInputException"/>
/// whose reason says which rule (Synced=False, nothing called). A NorthflankConfig serves only its own namespace; a
/// ClusterNorthflankConfig only the namespaces it lists.
/// </summary>
public sealed class AccessResolver(INorthflankConfigs configs, AccessOptions options)
{
    public ConfigKey KeyOf(Sandbox sandbox) => sandbox.Spec.ConfigRef switch
    {
        { Kind: NorthflankConfig.EntityKind } named => new ConfigKey(NorthflankConfig.EntityKind, sandbox.Metadata.NamespaceProperty, named.Name),
        { } named => new ConfigKey(ClusterNorthflankConfig.EntityKind, null, named.Name),
        null when options.DefaultConfigName is { Length: > 0 } name => new ConfigKey(ClusterNorthflankConfig.EntityKind, null, name),
        null => ConfigKey.Implicit,
    };

    /// <summary>The token and policy of the Sandbox's config.</summary>
    public NorthflankAccess Resolve(Sandbox sandbox) => Resolve(KeyOf(sandbox), sandbox.Metadata.NamespaceProperty);

    /// <summary>
    /// The token and policy of a given config for a Sandbox in <paramref name="sandboxNamespace"/>: refused, like any
    /// config, when it is gone or does not serve that namespace (a delete uses the config recorded in status this way).
    /// </summary>
    public NorthflankAccess Resolve(ConfigKey key, string sandboxNamespace) => key.Kind switch
    {
        NorthflankConfig.EntityKind when key.Namespace == sandboxNamespace => FromNamespaced(key, configs.Namespaced(key.Namespace, key.Name)),
        NorthflankConfig.EntityKind => throw new InvalidInputException(SyncedReasons.ConfigNotAllowed, $"{key} does not serve namespace {sandboxNamespace}"),
        ClusterNorthflankConfig.EntityKind => FromCluster(key, configs.Cluster(key.Name), sandboxNamespace),
        _ => Implicit(),
    };

    private static NorthflankAccess FromNamespaced(ConfigKey key, NorthflankConfig? config)
    {
        if (config is null)
        {
            throw new InvalidInputException(SyncedReasons.ConfigNotFound, $"{key} not found");
        }

        var spec = config.Spec;
        return Policy(key, spec, new SecretReference(key.Namespace!, spec.CredentialsSecretRef.Name, spec.CredentialsSecretRef.Key));
    }

    private static NorthflankAccess FromCluster(ConfigKey key, ClusterNorthflankConfig? config, string sandboxNamespace)
    {
        if (config is null)
        {
            throw new InvalidInputException(SyncedReasons.ConfigNotFound, $"{key} not found");
        }

        var spec = config.Spec;
        if (spec.Namespaces is { Count: > 0 } allowed && !allowed.Contains(sandboxNamespace, StringComparer.Ordinal))
        {
            throw new InvalidInputException(SyncedReasons.ConfigNotAllowed, $"{key} does not serve namespace {sandboxNamespace}");
        }

        var secret = spec.CredentialsSecretRef;
        return Policy(key, spec, new SecretReference(secret.Namespace, secret.Name, secret.Key)) with
        {
            Namespaces = spec.Namespaces is { Count: > 0 } listed ? [.. listed] : null,
        };
    }

    private static NorthflankAccess Policy(ConfigKey key, NorthflankConfigSpec spec, SecretReference credentials) => new()
    {
        Config = key,
        Credentials = credentials,
        Projects = [.. spec.Projects],
        DefaultProject = spec.DefaultProject ?? spec.Projects.FirstOrDefault() ?? "",
        AdoptionAllowed = spec.Adoption == AdoptionPolicies.Allowed,
        OrphanPolicy = spec.Orphans,
        Plans = spec.Limits?.Plans is { Count: > 0 } plans ? [.. plans] : null,
        MaxSandboxes = spec.Limits?.MaxSandboxes,
        ImageCredentials = spec.ImageCredentials is { } allowed ? [.. allowed] : [],
    };

    private NorthflankAccess Implicit()
    {
        if (options.DefaultProjectId is not { Length: > 0 } project)
        {
            throw new InvalidInputException(SyncedReasons.ConfigNotFound,
                "no Northflank config: set spec.configRef, or run the operator with --default-config or --default-project");
        }

        return new NorthflankAccess
        {
            Config = ConfigKey.Implicit,
            Credentials = new SecretReference(options.DefaultCredentialsNamespace, options.DefaultCredentialsSecretName, options.DefaultCredentialsSecretKey),
            Projects = [project, .. options.AllowedProjects.Where(p => p != project)],
            DefaultProject = project,
            AdoptionAllowed = options.AllowAdoption,
            OrphanPolicy = options.OrphanPolicy,
        };
    }
}
