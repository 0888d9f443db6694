using System.ComponentModel;

namespace SandboxOperator.Api.V1Alpha1;

// Every field, with its schema rules, is SandboxBlueprint's; only what each means on a template is said here.
[Description("The fields a Sandbox made from this template takes when it does not set them itself. Each means what it means on a Sandbox.")]
[PropertyDescription(nameof(Image), "Container image to run, with a tag or digest, e.g. ghcr.io/acme/agent:1.4 or python:3.12-slim; the registry host is needed for any registry but Docker Hub.")]
[PropertyDescription(nameof(ImageCredentials), "ID of the Northflank saved registry credentials to pull a private image with; must be one the Sandbox's config allows.")]
[PropertyDescription(nameof(Command), "Overrides the image's command (CMD).")]
[PropertyDescription(nameof(Entrypoint), "Overrides the image's entrypoint (ENTRYPOINT).")]
[PropertyDescription(nameof(Plan), "Northflank deployment plan (CPU and memory), e.g. nf-compute-20.")]
[PropertyDescription(nameof(Env), "Environment variables; a Sandbox's own variable of the same name wins. Secret and ConfigMap keys are read in the Sandbox's namespace.")]
[PropertyDescription(nameof(EphemeralStorageMB), "Size of the container's ephemeral disk in MB.")]
[PropertyDescription(nameof(Volume), "A persistent volume mounted into each Sandbox made from the template.")]
[PropertyDescription(nameof(Ports), "Ports the container listens on; used when the Sandbox lists none.")]
[PropertyDescription(nameof(Lifecycle), "When a Sandbox made from the template ends, unless it says so itself.")]
[PropertyDescription(nameof(ConfigRef), "The Northflank config (token and policy) Sandboxes made from the template use, unless they name one.")]
[PropertyDescription(nameof(Tags), "Northflank resource tags; used when the Sandbox lists none.")]
public sealed class SandboxTemplateSpec : SandboxBlueprint
{
}
