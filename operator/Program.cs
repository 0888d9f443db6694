using SandboxOperator.Api.Schema;

// `northflank-sandbox-operator crds` prints the CustomResourceDefinition generated from the API types.
if (args is ["crds", ..])
{
    Console.Out.Write(SandboxCrd.ToYaml());
    return 0;
}

return 0;
