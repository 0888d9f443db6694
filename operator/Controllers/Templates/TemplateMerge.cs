using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Templates;

/// <summary>
/// A Sandbox's spec with its template's fields where it sets none itself: the one place that says what a template
/// gives. Pure; neither input is changed (both may be shared cache objects). A template gives only what a
/// <see cref="SandboxBlueprint"/> holds; everything else is the Sandbox's own and stays as it is: its identity
/// (projectId, credentials, the template reference itself), operatingMode and deletionPolicy.
/// </summary>
public static class TemplateMerge
{
    /// <summary>The effective spec. With no template, only the defaults a template could have given are filled in.</summary>
    public static SandboxSpec Merge(SandboxSpec own, SandboxTemplateSpec? template)
    {
        var merged = own.ShallowCopy();
        Fill(merged, own, template);
        merged.Plan ??= SandboxSpec.DefaultPlan;
        return merged;
    }

    /// <summary>Each blueprint field: the Sandbox's own where it sets it, else the template's.</summary>
    private static void Fill(SandboxBlueprint merged, SandboxBlueprint own, SandboxBlueprint? template)
    {
        merged.Image = string.IsNullOrEmpty(own.Image) ? template?.Image : own.Image;
        // The template's credentials go with the template's image only: a Sandbox naming its own image names its own credentials.
        merged.ImageCredentials = string.IsNullOrEmpty(own.Image) ? own.ImageCredentials ?? template?.ImageCredentials : own.ImageCredentials;
        merged.Command = own.Command ?? template?.Command;
        merged.Entrypoint = own.Entrypoint ?? template?.Entrypoint;
        merged.Plan = own.Plan ?? template?.Plan;
        merged.Env = MergeEnv(own.Env, template?.Env);
        merged.EphemeralStorageMB = own.EphemeralStorageMB ?? template?.EphemeralStorageMB;
        merged.Volume = own.Volume ?? template?.Volume;
        // An empty list is as good as none: a template's ports and tags fill it.
        merged.Ports = own.Ports is { Count: > 0 } ? own.Ports : template?.Ports ?? own.Ports;
        merged.Lifecycle = own.Lifecycle ?? template?.Lifecycle;
        merged.ConfigRef = own.ConfigRef ?? template?.ConfigRef;
        merged.Tags = own.Tags is { Count: > 0 } ? own.Tags : template?.Tags ?? own.Tags;
    }

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
