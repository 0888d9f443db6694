namespace NorthflankSimulator.State;

/// <summary>Reference pages, cited in error messages and the README so a reader can check a rule at its source.</summary>
internal static class Pages
{
    public const string PutService = "project/services/put-deployment-service.md";
    public const string CreateService = "project/services/create-deployment-service.md";
    public const string PatchService = "project/services/patch-deployment-service.md";
    public const string ResumeService = "project/services/resume-service.md";
    public const string ScaleService = "project/services/scale-service.md";
    public const string UpdatePorts = "project/services/update-service-ports.md";
    public const string CreateVolume = "project/volumes/create-volume.md";
    public const string AttachVolume = "project/volumes/attach-volume.md";
    public const string CreateProject = "team/projects/create-project.md";
    public const string Network = "guides/network.md";
}

/// <summary>
/// Field rules shared by several endpoints: the reference's patterns, lengths and enums, plus the few ranges the
/// reference leaves open (each marked "choice" and listed in the README). Every failure is a 400 naming the field.
/// </summary>
internal static class Validation
{
    public const int ServiceNameMaxLength = 54;
    public const int ProjectNameMaxLength = 39;
    public const int VolumeNameMaxLength = 39;
    public const int DescriptionMaxLength = 200;

    /// <summary>Choice: the reference gives no maximum instance count.</summary>
    public const int MaxInstances = 100;

    public static void Text(string field, string value, string pattern, int minLength, int maxLength, string page)
    {
        if (value.Length < minLength || value.Length > maxLength)
        {
            throw ApiException.BadRequest(field, $"must be {minLength} to {maxLength} characters long, got {value.Length} ({page})");
        }

        if (!ReferencePatterns.Matches(pattern, value))
        {
            throw ApiException.BadRequest(field, $"'{value}' does not match {pattern} ({page})");
        }
    }

    public static void Range(string field, long value, long min, long max, string source)
    {
        if (value < min || value > max)
        {
            throw ApiException.BadRequest(field, $"must be between {min} and {max}, got {value} ({source})");
        }
    }

    public static void OneOf(string field, string value, IReadOnlyList<string> allowed, string page)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            throw ApiException.BadRequest(field, $"'{value}' is not one of {string.Join(", ", allowed)} ({page})");
        }
    }

    public static void ServiceName(string field, string name) =>
        Text(field, name, ReferencePatterns.Name, 3, ServiceNameMaxLength, Pages.PutService);

    public static void ProjectName(string field, string name) =>
        Text(field, name, ReferencePatterns.Name, 3, ProjectNameMaxLength, Pages.CreateProject);

    public static void VolumeName(string field, string name) =>
        Text(field, name, ReferencePatterns.Name, 3, VolumeNameMaxLength, Pages.CreateVolume);

    public static void Description(string field, string description, string page) =>
        Text(field, description, ReferencePatterns.Description, 1, DescriptionMaxLength, page);

    /// <summary>
    /// Each tag must match the reference's pattern and be one of the team's resource tags (team/tags). Whether
    /// Northflank refuses an unknown tag is left open by the reference; the simulator does (choice).
    /// </summary>
    public static void Tags(string field, IReadOnlyList<string> tags, IReadOnlyList<string> teamTags, string page)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            Text($"{field}[{i}]", tags[i], ReferencePatterns.Tag, 3, 100, page);
            if (!teamTags.Contains(tags[i], StringComparer.Ordinal))
            {
                throw ApiException.BadRequest($"{field}[{i}]",
                    $"'{tags[i]}' is not one of the team's resource tags ({string.Join(", ", teamTags)}); see team/tags");
            }
        }
    }

    public static void Plan(string field, string plan, IReadOnlyList<PlanOptions> plans, string page)
    {
        Text(field, plan, ReferencePatterns.Tag, 3, 100, page);
        if (!plans.Any(p => p.Id == plan))
        {
            throw ApiException.BadRequest(field, $"unknown deployment plan '{plan}'; see GET /v1/plans");
        }
    }

    public static void Instances(string field, int instances) =>
        Range(field, instances, 0, MaxInstances, "the simulator's maximum, a choice");

    /// <summary>An <c>{id, type}</c> reference (attachedObjects[], owningObject, nfObject); jobs are not simulated.</summary>
    public static void ObjectReference(string field, string id, string type, string page)
    {
        Text($"{field}.id", id, ReferencePatterns.ObjectId, 1, int.MaxValue, page);
        OneOf($"{field}.type", type, ["service", "job"], page);
        if (type == "job")
        {
            throw ApiException.BadRequest($"{field}.type", "'job' is not supported by the simulator, which has no jobs; use 'service'");
        }
    }
}
