namespace SandboxOperator.Api.V1Alpha1;

public static class SandboxAnnotations
{
    /// <summary>
    /// Names an existing Northflank service id for the Sandbox to take over instead of creating one (Crossplane's
    /// external-name). The service is then updated to the Sandbox's spec and deleted with it under deletionPolicy Delete.
    /// </summary>
    public const string ExternalName = "sandbox.northflank.com/external-name";
}
