using System.Text;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Resolves the config, credentials, project and environment a Sandbox refers to, refusing what its config does not
/// allow before anything is sent to Northflank. Messages name Secrets and keys, never values. Referenced objects enter
/// the spec fingerprint by resourceVersion, so a changed Secret re-applies.
/// </summary>
public sealed class InputResolver(IReferenceReader references, AccessResolver access, SandboxAdmission admission)
{
    public async Task<ResolvedInputs> ResolveAsync(Sandbox sandbox, CancellationToken ct)
    {
        var ns = sandbox.Metadata.NamespaceProperty;
        var versions = new List<string>();
        var policy = access.Resolve(sandbox);
        var projectId = admission.Admit(sandbox, policy);
        var token = await ResolveTokenAsync(sandbox, policy, ct);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in sandbox.Spec.Env ?? [])
        {
            var value = await ResolveEnvAsync(ns, variable, versions, ct);
            if (value is not null)
            {
                env[variable.Name] = value;
            }
        }

        return new ResolvedInputs(token, projectId, env, versions) { Access = policy };
    }

    /// <summary>The token from the Sandbox's own Secret (deprecated), else from its config's Secret.</summary>
    public async Task<NorthflankToken> ResolveTokenAsync(Sandbox sandbox, NorthflankAccess policy, CancellationToken ct)
    {
        var (ns, name, key) = sandbox.Spec.CredentialsSecretRef is { } own
            ? (sandbox.Metadata.NamespaceProperty, own.Name, own.Key)
            : (policy.Credentials.Namespace, policy.Credentials.Name, policy.Credentials.Key);
        var secret = await references.GetSecretAsync(ns, name, ct)
            ?? throw new InvalidInputException(SyncedReasons.CredentialsNotFound, $"credentials Secret {ns}/{name} not found");
        var value = SecretValues.Read(secret, key)
            ?? throw new InvalidInputException(SyncedReasons.CredentialsNotFound, $"credentials Secret {ns}/{name} has no key {key}");
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidInputException(SyncedReasons.CredentialsNotFound, $"credentials Secret {ns}/{name} key {key} is empty");
        }

        return new NorthflankToken(value);
    }

    private async Task<string?> ResolveEnvAsync(string ns, SandboxEnvVar variable, List<string> versions, CancellationToken ct)
    {
        if (variable.ValueFrom is null)
        {
            versions.Add($"{variable.Name}=literal:{variable.Value}");
            return variable.Value ?? "";
        }

        if (variable.ValueFrom.SecretKeyRef is { } secretRef)
        {
            var secret = await references.GetSecretAsync(ns, secretRef.Name, ct);
            versions.Add($"{variable.Name}=Secret/{secretRef.Name}/{secretRef.Key}@{secret?.Metadata.ResourceVersion ?? "absent"}");
            return secret is not null && SecretValues.Read(secret, secretRef.Key) is { } value
                ? value
                : Missing(secretRef, "Secret", secret is null, variable.Name);
        }

        var configRef = variable.ValueFrom.ConfigMapKeyRef!;
        var configMap = await references.GetConfigMapAsync(ns, configRef.Name, ct);
        versions.Add($"{variable.Name}=ConfigMap/{configRef.Name}/{configRef.Key}@{configMap?.Metadata.ResourceVersion ?? "absent"}");
        return configMap?.Data is { } data && data.TryGetValue(configRef.Key, out var text)
            ? text
            : Missing(configRef, "ConfigMap", configMap is null, variable.Name);
    }

    private static string? Missing(KeySelector reference, string kind, bool objectMissing, string variable)
    {
        if (reference.Optional == true)
        {
            return null;
        }

        var what = objectMissing ? $"{kind} {reference.Name} not found" : $"{kind} {reference.Name} has no key {reference.Key}";
        throw new InvalidInputException(SyncedReasons.ReferenceNotFound, $"env {variable}: {what}");
    }
}
