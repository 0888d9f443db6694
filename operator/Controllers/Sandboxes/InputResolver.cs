using System.Text;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Templates;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Resolves the config, credentials, project and environment a Sandbox refers to, refusing what its config does not
/// allow before anything is sent to Northflank. Messages name Secrets and keys, never values. Referenced objects enter
/// the spec fingerprint by resourceVersion, so a changed Secret re-applies. So does the SandboxTemplate the Sandbox names
/// (in its own namespace only): everything is resolved against the Sandbox's spec merged with it (<see cref="TemplateMerge"/>).
/// </summary>
public sealed class InputResolver(IReferenceReader references, AccessResolver access, SandboxAdmission admission, ISandboxTemplates? templates = null)
{
    public async Task<ResolvedInputs> ResolveAsync(Sandbox sandbox, CancellationToken ct) =>
        await ResolveAsync(sandbox, await TemplateAsync(sandbox, ct), ct);

    /// <summary>The template the Sandbox names (null when it names none); a missing one is refused.</summary>
    public Task<SandboxTemplate?> TemplateAsync(Sandbox sandbox, CancellationToken ct) => TemplateOfAsync(sandbox, required: true, ct);

    /// <summary>Resolves against <paramref name="template"/>, the one <see cref="TemplateAsync"/> read.</summary>
    public async Task<ResolvedInputs> ResolveAsync(Sandbox sandbox, SandboxTemplate? template, CancellationToken ct)
    {
        var versions = new List<string>();
        sandbox = TemplateMerge.Apply(sandbox, template);
        ValidateMerged(sandbox, template);
        if (template is not null)
        {
            // The spec's hash, not the resourceVersion: the template's status (who uses it) changes with every Sandbox
            // that comes or goes, and must not make every Sandbox made from it apply itself to Northflank again.
            versions.Add($"template={template.Metadata.Name}#{TemplateHash.Of(template.Spec)}");
        }

        var policy = access.Resolve(sandbox);
        var projectId = admission.Admit(sandbox, policy);
        var token = await ResolveTokenAsync(sandbox, policy, ct);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in sandbox.Spec.Env ?? [])
        {
            var value = await ResolveEnvAsync(sandbox, variable, versions, ct);
            if (value is not null)
            {
                env[variable.Name] = value;
            }
        }

        return new ResolvedInputs(token, projectId, env, versions) { Access = policy, Spec = sandbox.Spec };
    }

    /// <summary>
    /// The Sandbox with its template's fields (see <see cref="TemplateMerge"/>). For a delete, a template gone meanwhile
    /// is no reason to stop: the Sandbox's own fields are used.
    /// </summary>
    public async Task<Sandbox> WithTemplateAsync(Sandbox sandbox, CancellationToken ct) =>
        TemplateMerge.Apply(sandbox, await TemplateOfAsync(sandbox, required: false, ct));

    /// <summary>The template the Sandbox names, looked up in its own namespace and nowhere else.</summary>
    private async Task<SandboxTemplate?> TemplateOfAsync(Sandbox sandbox, bool required, CancellationToken ct)
    {
        if (sandbox.Spec.TemplateRef is not { } reference)
        {
            return null;
        }

        var template = templates is null ? null : await templates.GetAsync(sandbox.Metadata.NamespaceProperty, reference.Name, ct);
        return template is null && required
            ? throw new InvalidInputException(SyncedReasons.ReferenceNotFound, $"spec.templateRef: SandboxTemplate {reference.Name} not found in namespace {sandbox.Metadata.NamespaceProperty}")
            {
                // A template deleted to be made again leaves the service running what it was given: nothing to undo.
                ServiceUnaffected = true,
            }
            : template;
    }

    /// <summary>What the template brought must pass the same checks as the Sandbox's own fields.</summary>
    private static void ValidateMerged(Sandbox merged, SandboxTemplate? template)
    {
        if (template is null)
        {
            return;
        }

        var problems = SpecValidator.Validate(merged).ToList();
        if (string.IsNullOrWhiteSpace(merged.Spec.Image))
        {
            problems.Insert(0, $"spec.image is required: neither the Sandbox nor its SandboxTemplate {template.Metadata.Name} sets it");
        }

        if (problems.Count > 0)
        {
            throw new InvalidInputException(SyncedReasons.InvalidSpec, string.Join("; ", problems));
        }
    }

    /// <summary>The token from the Sandbox's own Secret (deprecated), else from its config's Secret.</summary>
    public async Task<NorthflankToken> ResolveTokenAsync(Sandbox sandbox, NorthflankAccess policy, CancellationToken ct)
    {
        var (ns, name, key) = SandboxReferences.Credentials(sandbox, () => policy.Credentials)!;
        var secret = await references.GetSecretAsync(ns, name, ct)
            ?? throw new InvalidInputException(SyncedReasons.CredentialsNotFound, $"credentials Secret {ns}/{name} not found");
        var value = SecretValues.Read(secret, key)
            ?? throw new InvalidInputException(SyncedReasons.CredentialsNotFound, $"credentials Secret {ns}/{name} has no key {key}");
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidInputException(SyncedReasons.CredentialsNotFound, $"credentials Secret {ns}/{name} key {key} is empty");
        }

        // Refused here, with what is wrong and never the value: the HTTP layer would refuse it too, but in an exception
        // that quotes the header (so the token) and on every retry, or take it for Northflank not answering.
        if (NorthflankToken.ProblemWith(value) is { } problem)
        {
            throw new InvalidInputException(SyncedReasons.CredentialsInvalid, $"credentials Secret {ns}/{name} key {key} {problem}: it cannot be sent as a Northflank token");
        }

        return new NorthflankToken(value);
    }

    private async Task<string?> ResolveEnvAsync(Sandbox sandbox, SandboxEnvVar variable, List<string> versions, CancellationToken ct)
    {
        if (SandboxReferences.Of(sandbox, variable) is not { } reference)
        {
            versions.Add($"{variable.Name}=literal:{variable.Value}");
            return variable.Value ?? "";
        }

        if (reference.Kind == SandboxReferences.Secret)
        {
            var secret = await references.GetSecretAsync(reference.Namespace, reference.Name, ct);
            versions.Add($"{variable.Name}=Secret/{reference.Name}/{reference.Key}@{secret?.Metadata.ResourceVersion ?? "absent"}");
            return secret is not null && SecretValues.Read(secret, reference.Key) is { } value
                ? value
                : Missing(reference, secret is null, variable.Name);
        }

        var configMap = await references.GetConfigMapAsync(reference.Namespace, reference.Name, ct);
        versions.Add($"{variable.Name}=ConfigMap/{reference.Name}/{reference.Key}@{configMap?.Metadata.ResourceVersion ?? "absent"}");
        return configMap?.Data is { } data && data.TryGetValue(reference.Key, out var text)
            ? text
            : Missing(reference, configMap is null, variable.Name);
    }

    private static string? Missing(ObjectReference reference, bool objectMissing, string variable)
    {
        if (reference.Optional)
        {
            return null;
        }

        var what = objectMissing ? $"{reference.Kind} {reference.Name} not found" : $"{reference.Kind} {reference.Name} has no key {reference.Key}";
        throw new InvalidInputException(SyncedReasons.ReferenceNotFound, $"env {variable}: {what}");
    }
}
