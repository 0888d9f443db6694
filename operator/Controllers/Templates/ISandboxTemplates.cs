using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Templates;

/// <summary>Reads SandboxTemplates; the host serves them from its watch. Objects may be shared: never modify them.</summary>
public interface ISandboxTemplates
{
    /// <returns>The template, or null when there is none of that name in that namespace.</returns>
    Task<SandboxTemplate?> GetAsync(string namespaceName, string name, CancellationToken ct);
}
