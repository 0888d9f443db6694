namespace NorthflankSimulator.Pipeline;

/// <summary>
/// Endpoint metadata for an endpoint the reference deprecates ("will be removed in the future"): it still answers,
/// but every answer carries <c>Deprecation: true</c> and the request log marks it, so a test can assert a client
/// never calls it.
/// </summary>
internal sealed record DeprecatedEndpoint(string Use)
{
    public const string Header = "Deprecation";
}
