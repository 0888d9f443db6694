using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Reconciler.Access;

/// <summary>
/// Finds the config a Sandbox uses and checks what the Sandbox asks for against it, before any call to Northflank:
/// a refusal is an <see cref="InvalidInputException"/> whose reason says which rule (Synced=False, nothing called).
/// A NorthflankConfig serves only its own namespace; a ClusterNorthflankConfig only the namespaces it lists.
/// </summary>
public sealed class AccessResolver(INorthflankConfigs configs, ISandboxDirectory sandboxes, AccessOptions options)
{
    public ConfigKey KeyOf(Sandbox sandbox) => sandbox.Spec.ConfigRef switch
    {
        { Kind: NorthflankConfig.EntityKind } named => new ConfigKey(NorthflankConfig.EntityKind, sandbox.Metadata.NamespaceProperty, named.Name),
        { } named => new ConfigKey(ClusterNorthflankConfig.EntityKind, null, named.Name),
        null when options.DefaultConfigName is { Length: > 0 } name => new ConfigKey(ClusterNorthflankConfig.EntityKind, null, name),
        null => ConfigKey.Implicit,
    };

    /// <summary>The token and policy of the Sandbox's config.</summary>
    public NorthflankAccess Resolve(Sandbox sandbox)
    {
        var key = KeyOf(sandbox);
        return key.Kind switch
        {
            NorthflankConfig.EntityKind => FromNamespaced(key, configs.Namespaced(key.Namespace!, key.Name)),
            ClusterNorthflankConfig.EntityKind => FromCluster(key, configs.Cluster(key.Name), sandbox.Metadata.NamespaceProperty),
            _ => Implicit(),
        };
    }

    /// <summary>The project the Sandbox lives in, once its project, plan, adoption and count are within its config.</summary>
    public string Admit(Sandbox sandbox, NorthflankAccess access)
    {
        var projectId = sandbox.Status?.ProjectId ?? sandbox.Spec.ProjectId ?? access.DefaultProject;
        if (sandbox.Status?.ProjectId is { } created && sandbox.Spec.ProjectId is { } wanted && created != wanted)
        {
            throw new InvalidInputException(SyncedReasons.InvalidSpec, $"spec.projectId cannot change from {created} to {wanted} once the service exists; create a new Sandbox instead");
        }

        if (!access.AllowsProject(projectId))
        {
            throw new InvalidInputException(SyncedReasons.ProjectNotAllowed, $"project {projectId} is not one {access.Config} allows ({string.Join(", ", access.Projects)})");
        }

        if (!access.AllowsPlan(sandbox.Spec.Plan))
        {
            throw new InvalidInputException(SyncedReasons.PlanNotAllowed, $"spec.plan {sandbox.Spec.Plan} is not one {access.Config} allows ({string.Join(", ", access.Plans!)})");
        }

        if (Adoption.ServiceId(sandbox) is not null && !access.AdoptionAllowed)
        {
            throw new InvalidInputException(SyncedReasons.AdoptionRefused, $"{access.Config} does not allow adopting services (annotation {SandboxAnnotations.ExternalName})");
        }

        if (access.MaxSandboxes is { } max && sandbox.Status?.ServiceId is null && CountBefore(sandbox, access.Config) >= max)
        {
            throw new InvalidInputException(SyncedReasons.QuotaExceeded, $"{access.Config} allows {max} Sandboxes and as many older ones use it; this one waits until one is deleted");
        }

        return projectId;
    }

    private int CountBefore(Sandbox sandbox, ConfigKey key) =>
        sandboxes.All().Count(other => other.Metadata.Uid != sandbox.Metadata.Uid && other.Metadata.DeletionTimestamp is null
            && Older(other, sandbox) && KeyOf(other) == key);

    private static bool Older(Sandbox a, Sandbox b)
    {
        var byTime = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        return byTime != 0 ? byTime < 0
            : string.CompareOrdinal($"{a.Metadata.NamespaceProperty}/{a.Metadata.Name}", $"{b.Metadata.NamespaceProperty}/{b.Metadata.Name}") < 0;
    }

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
        return Policy(key, spec, new SecretReference(secret.Namespace, secret.Name, secret.Key));
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
