namespace NorthflankSimulator.State;

/// <summary>
/// An external image path split by the reference's own pattern (put-deployment-service.md): optional host, path,
/// and a tag or digest. GET service shows the path "excluding the hostname" with a <c>registryProvider</c>
/// (get-service.md); how the provider is derived from the host, and the Docker Hub form, are the simulator's choices.
/// </summary>
internal sealed record ImageReference(string? Host, string Path, string? Tag, string? Digest)
{
    public const string DockerHubHost = "docker.io";

    /// <summary>Parses a path that passed <see cref="ServiceValidation.ImagePath"/>.</summary>
    public static ImageReference Parse(string imagePath)
    {
        var match = ReferencePatterns.Match(ReferencePatterns.ImagePath, imagePath)
            ?? throw new ArgumentException($"'{imagePath}' is not a valid image path", nameof(imagePath));
        static string? Group(System.Text.RegularExpressions.Group group) => group.Success ? group.Value : null;
        return new ImageReference(Group(match.Groups[1])?.ToLowerInvariant(), match.Groups[3].Value, Group(match.Groups[4]), Group(match.Groups[5]));
    }

    /// <summary>One of get-service.md's providers, from the host; <c>legacy</c> is never derived.</summary>
    public string RegistryProvider => Host switch
    {
        null or DockerHubHost or "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com" => "dockerhub",
        "dhi.io" => "dhi",
        "ghcr.io" or "docker.pkg.github.com" => "github",
        "registry.gitlab.com" => "gitlab",
        "public.ecr.aws" => "ecr",
        "gcr.io" => "gar",
        _ when Host.EndsWith(".azurecr.io", StringComparison.Ordinal) => "acr",
        _ when Host.Contains(".dkr.ecr.", StringComparison.Ordinal) && Host.EndsWith(".amazonaws.com", StringComparison.Ordinal) => "ecr",
        _ when Host.EndsWith("-docker.pkg.dev", StringComparison.Ordinal) || Host.EndsWith(".gcr.io", StringComparison.Ordinal) => "gar",
        _ => "custom",
    };

    /// <summary>
    /// The path as written, without the host, with its tag or digest: <c>nginx:1.27</c> reads as <c>nginx:1.27</c>, as
    /// patch-deployment-service.md's only example answers (<c>"imagePath": "nginx:latest"</c>), and
    /// <c>docker.io/library/nginx:1.27</c> as <c>library/nginx:1.27</c>.
    /// </summary>
    public string PathWithoutHost => Tag is not null ? $"{Path}:{Tag}" : $"{Path}@{Digest}";

    /// <summary>
    /// The full reference with its registry host (<c>docker.io</c> for Docker Hub, whose official images get their
    /// <c>library/</c> namespace), as <c>deployment.imageUrl</c>.
    /// </summary>
    public string Url
    {
        get
        {
            var path = RegistryProvider == "dockerhub" && !Path.Contains('/', StringComparison.Ordinal) ? $"library/{PathWithoutHost}" : PathWithoutHost;
            return $"{Host ?? DockerHubHost}/{path}";
        }
    }
}
