namespace IntegrationTests.Operator;

/// <summary>
/// The hostile-tenant suite: each rule of the security model (docs/security.md), tried as an attacker would on a real API server
/// with tenants under their own RBAC, the simulator holding services an admin made directly on Northflank. One file per
/// rule: Deletes (annotation, config and project edits, quota), Orphans, Tokens, Claims.
/// </summary>
[Parallelizable(ParallelScope.All)]
public partial class HostileTenantTests : TenantTest
{
}
