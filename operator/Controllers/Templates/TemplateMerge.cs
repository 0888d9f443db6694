using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Templates;

/// <summary>
/// A Sandbox's spec with its template's fields where it sets none itself: the one place that says what a template
/// gives. Pure; neither input is changed (both may be shared cache objects). Identity stays the Sandbox's own:
/// projectId, operatingMode, deletionPolicy, credentials and the template reference itself.
/// </summary>
public static class TemplateMerge
{
    /// <summary>The effective spec. With no template, only the defaults a template could have given are filled in.</summary>
    public static SandboxSpec Merge(SandboxSpec own, SandboxTemplateSpec? template) => new()
    {
        TemplateRef = own.TemplateRef,
        ProjectId = own.ProjectId,
        Image = string.IsNullOrEmpty(own.Image) ? template?.Image : own.Image,
        // The template's credentials go with the template's image only: a Sandbox naming its own image names its own credentials.
        ImageCredentials = string.IsNullOrEmpty(own.Image) ? own.ImageCredentials ?? template?.ImageCredentials : own.ImageCredentials,
        Command = own.Command ?? template?.Command,
        Entrypoint = own.Entrypoint ?? template?.Entrypoint,
        Plan = own.Plan ?? template?.Plan ?? SandboxSpec.DefaultPlan,
        OperatingMode = own.OperatingMode,
        Env = MergeEnv(own.Env, template?.Env),
        EphemeralStorageMB = own.EphemeralStorageMB ?? template?.EphemeralStorageMB,
        Volume = own.Volume ?? template?.Volume,
        Ports = own.Ports is { Count: > 0 } ? own.Ports : template?.Ports ?? own.Ports,
        Lifecycle = own.Lifecycle ?? template?.Lifecycle,
        DeletionPolicy = own.DeletionPolicy,
        ConfigRef = own.ConfigRef ?? template?.ConfigRef,
        Tags = own.Tags is { Count: > 0 } ? own.Tags : template?.Tags ?? own.Tags,
        CredentialsSecretRef = own.CredentialsSecretRef,
    };

    /// <summary>The Sandbox as its controller works with it: same metadata and status, the effective spec.</summary>
    public static Sandbox Apply(Sandbox sandbox, SandboxTemplate? template) => WithSpec(sandbox, Merge(sandbox.Spec, template?.Spec));

    public static Sandbox WithSpec(Sandbox sandbox, SandboxSpec spec) => new()
    {
        ApiVersion = sandbox.ApiVersion,
        Kind = sandbox.Kind,
        Metadata = sandbox.Metadata,
        Spec = spec,
        Status = sandbox.Status,
    };

    /// <summary>The template's variables the Sandbox does not set, then the Sandbox's own (a variable of the same name wins).</summary>
    private static IList<SandboxEnvVar>? MergeEnv(IList<SandboxEnvVar>? own, IList<SandboxEnvVar>? template)
    {
        if (template is not { Count: > 0 })
        {
            return own;
        }

        var mine = (own ?? []).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        return [.. template.Where(e => !mine.Contains(e.Name)), .. own ?? []];
    }
}
