using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace NorthflankSimulator.State;

/// <summary>
/// Patterns copied verbatim from Northflank's API reference (the page is named where each is used). They are
/// JavaScript regular expressions; .NET reads them the same way except that <c>$</c> also matches before a final
/// newline, so the trailing <c>$</c> is compiled as <c>\z</c> to keep JavaScript's meaning.
/// </summary>
internal static partial class ReferencePatterns
{
    /// <summary>Service, project and volume names (put-deployment-service, create-project, create-volume).</summary>
    public const string Name = @"^[a-zA-Z]((-|\s)?[a-zA-Z0-9]+((-|\s)[a-zA-Z0-9]+)*)?$";

    public const string Description = """^[a-zA-Z0-9.,?\s\\/'"()[\];`%^&*\-_:!]+$""";

    /// <summary>Tags, deployment plan ids (put-deployment-service, scale-service).</summary>
    public const string Tag = @"^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$";

    public const string ImagePath =
        @"^(?:(?:https?:\/\/)?([a-zA-Z0-9\-]+\.[a-zA-Z0-9\.\-]+)(\/v1)?)?(?:\/)?([a-zA-Z/-9\.\-_]+)(?:\:([a-zA-Z/-9\.\-_\:]+)|\@([a-zA-Z/-9\.\-_\:]+))$";

    /// <summary>Saved credentials ids, attachedObjects[].id, owningObject.id, nfObject.id.</summary>
    public const string ObjectId = @"^[A-Za-z0-9-]+$";

    /// <summary>Port names and createOptions.volumesToAttach[].</summary>
    public const string ShortName = @"^[a-zA-Z](-?[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*)?$";

    /// <summary>ports[].id of update-service-ports.</summary>
    public const string PortId = @"^[a-z]-?[a-z0-9]+(-[a-z0-9]+)*$";

    public const string ContainerMountPath = @"^((?!:).)*$";

    public const string VolumeMountPath = @"^((?!\.\.).)*$";

    public const string Color = @"^#([a-fA-F0-9]{6}|[a-fA-F0-9]{3})$";

    private static readonly ConcurrentDictionary<string, Regex> Compiled = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="value"/> matches; a pattern that runs too long counts as no match.</summary>
    public static bool Matches(string pattern, string value)
    {
        try
        {
            return Compile(pattern).IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>The groups of a match, for patterns whose parts mean something (the image path's host, tag, digest).</summary>
    public static Match? Match(string pattern, string value)
    {
        var match = Compile(pattern).Match(value);
        return match.Success ? match : null;
    }

    /// <summary>
    /// The id Northflank derives from a display name: lower case, each run of whitespace a dash
    /// ("Example Service" becomes "example-service", as in get-service.md's example).
    /// </summary>
    public static string Slug(string name) => WhitespaceRun().Replace(name.ToLowerInvariant(), "-");

    private static Regex Compile(string pattern) => Compiled.GetOrAdd(pattern, text => new Regex(
        text.EndsWith('$') ? string.Concat(text.AsSpan(0, text.Length - 1), @"\z") : text,
        RegexOptions.CultureInvariant,
        TimeSpan.FromSeconds(1)));

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRun();
}
