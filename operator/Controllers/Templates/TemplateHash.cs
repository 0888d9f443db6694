using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Templates;

/// <summary>
/// The one hash of a template's spec (shown in its status): the first 10 hex digits of the SHA-256 of the spec's JSON.
/// Fields left unset are left out, so a field added to the spec later changes no existing template's hash.
/// </summary>
public static class TemplateHash
{
    public const int Length = 10;

    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string Of(SandboxTemplateSpec spec) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(spec, Options)))[..Length];
}
