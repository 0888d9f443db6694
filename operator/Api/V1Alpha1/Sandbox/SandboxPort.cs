using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SandboxOperator.Api.V1Alpha1;

[Description("A port the sandbox's container listens on. Only HTTP and HTTP2 ports can be public.")]
[AnyOfCase("public", false)]
[AnyOfCase("protocol", PortProtocols.Http, PortProtocols.Http2)]
public sealed class SandboxPort
{
    [JsonPropertyName("name")]
    [Description("Port name, unique within the sandbox, 1 to 8 letters, digits and dashes starting with a letter; part of its public DNS name.")]
    [Required]
    [RegularExpression(NorthflankRules.PortNamePattern)]
    [MinLength(1)]
    [MaxLength(NorthflankRules.PortNameMaxLength)]
    public string Name { get; set; } = "";

    [JsonPropertyName("port")]
    [Description("Container port number, unique within the sandbox.")]
    [Required]
    [Range(1, 65535)]
    public int Port { get; set; }

    [JsonPropertyName("protocol")]
    [Description("HTTP, HTTP2, TCP or UDP.")]
    [DefaultValue(PortProtocols.Http)]
    [AllowedValues(PortProtocols.Http, PortProtocols.Http2, PortProtocols.Tcp, PortProtocols.Udp)]
    public string Protocol { get; set; } = PortProtocols.Http;

    [JsonPropertyName("public")]
    [Description("Expose the port on the internet with a Northflank DNS name and an https:// URL; HTTP and HTTP2 ports only (TCP and UDP need a Northflank load balancer).")]
    [DefaultValue(false)]
    public bool Public { get; set; }
}

public static class PortProtocols
{
    public const string Http = "HTTP";
    public const string Http2 = "HTTP2";
    public const string Tcp = "TCP";
    public const string Udp = "UDP";
}
