using System.Text.Json.Nodes;
using NorthflankSimulator.Inspection;

namespace NorthflankSimulator.State;

/// <summary>
/// All simulated Northflank state behind one lock. Public members enter through <see cref="Enter"/>, which also
/// applies whatever the clock says has happened since (expiries), then change state and build their JSON answer
/// while still holding the lock, so no half-changed record ever escapes to a response.
/// </summary>
internal sealed partial class SimulatorStore
{
    private readonly Lock gate = new();
    private readonly SimulatorOptions options;
    private readonly TimeProvider time;
    private readonly SeededRandom random;
    private readonly SortedDictionary<string, ProjectRecord> projects = new(StringComparer.Ordinal);
    private readonly List<DeletedServiceSnapshot> deleted = [];

    public SimulatorStore(SimulatorOptions options, TimeProvider time)
    {
        this.options = options;
        this.time = time;
        random = new SeededRandom(options.RandomSeed);
        Reset();
    }

    private DateTimeOffset Now => time.GetUtcNow();

    private DeploymentOptions Timing => options.Deployment;

    /// <summary>Takes the lock and brings time-driven state (expiries) up to the clock.</summary>
    private Lock.Scope Enter()
    {
        var scope = gate.EnterScope();
        try
        {
            ApplyExpiries();
            return scope;
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    /// <summary>Back to the seeded projects, with no services or volumes, and the random source reseeded.</summary>
    public void Reset()
    {
        lock (gate)
        {
            foreach (var project in projects.Values)
            {
                foreach (var serviceId in project.Services.Keys)
                {
                    NotifyRemoved(project.Id, serviceId);
                }
            }

            projects.Clear();
            deleted.Clear();
            random.Reseed(options.RandomSeed);
            foreach (var id in options.EffectiveProjects)
            {
                AddProject(id, id, description: null, color: null);
            }
        }
    }

    private ProjectRecord AddProject(string id, string name, string? description, string? color)
    {
        var project = new ProjectRecord
        {
            Id = id,
            Name = name,
            Description = description,
            Color = color,
            DnsId = random.NextId(6),
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        projects[id] = project;
        return project;
    }

    private ProjectRecord ProjectOrThrow(string projectId) =>
        projects.TryGetValue(projectId, out var project) ? project : throw ApiException.NotFound("project", projectId);

    private ServiceRecord ServiceOrThrow(ProjectRecord project, string serviceId) =>
        project.Services.TryGetValue(serviceId, out var service) ? service : throw ApiException.NotFound("service", serviceId);

    private VolumeRecord VolumeOrThrow(ProjectRecord project, string volumeId) =>
        project.Volumes.TryGetValue(volumeId, out var volume) ? volume : throw ApiException.NotFound("volume", volumeId);

    private DeploymentStatus StatusOf(ServiceRecord service) => DeploymentStateMachine.Evaluate(service.Rollout, Now, Timing);

    private ExpiryStatus? ExpiryOf(ServiceRecord service) =>
        ExpiryStateMachine.Evaluate(service.ExpiresAt, Now, options.ScheduledDeletionDelay);

    private JsonObject Written(ServiceRecord service) => ServiceViews.Written(service, StatusOf(service), ExpiryOf(service), options);

    public List<JsonObject> ListProjects(Func<string, bool> visible)
    {
        using (Enter())
        {
            return [.. projects.Values.Where(p => visible(p.Id)).Select(Views.ProjectListItem)];
        }
    }

    public JsonObject GetProject(string projectId)
    {
        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            return Views.Project(project, options, project.Services.Values.Select(s => Views.ProjectServiceItem(s, options)));
        }
    }

    /// <summary>
    /// delete-project.md: "Fails if the project isn't empty" unless <paramref name="deleteChildObjects"/>, when its
    /// services and volumes go with it. The reference names no status for a project that is not empty: 409, a choice.
    /// </summary>
    public void DeleteProject(string projectId, bool deleteChildObjects)
    {
        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            if (!deleteChildObjects && (project.Services.Count > 0 || project.Volumes.Count > 0))
            {
                throw ApiException.Conflict($"project '{projectId}' is not empty; delete its resources first, or pass delete_child_objects=true");
            }

            deleted.AddRange(project.Services.Keys.Select(id => new DeletedServiceSnapshot(projectId, id, Now)));
            foreach (var serviceId in project.Services.Keys)
            {
                NotifyRemoved(projectId, serviceId);
            }

            projects.Remove(projectId);
        }
    }

    /// <summary>
    /// The id is the slug of the name. POST fails with 409 on an existing id (the reference documents no 409 for
    /// projects; the simulator mirrors services and volumes, a choice); PUT (<paramref name="upsert"/>) updates it.
    /// </summary>
    public JsonObject CreateProject(string name, string? description, string? color, bool upsert)
    {
        Validation.ProjectName("name", name);
        if (description is not null)
        {
            Validation.Description("description", description, Pages.CreateProject);
        }

        if (color is not null)
        {
            Validation.Text("color", color, ReferencePatterns.Color, 4, 7, Pages.CreateProject);
        }

        var id = ReferencePatterns.Slug(name);
        using (Enter())
        {
            if (projects.TryGetValue(id, out var existing))
            {
                if (!upsert)
                {
                    throw ApiException.Conflict("There is already a project with the same derived identifier");
                }

                existing.Name = name;
                existing.Description = description ?? existing.Description;
                existing.Color = color ?? existing.Color;
                existing.UpdatedAt = Now;
                return Views.ProjectCreated(existing, options);
            }

            return Views.ProjectCreated(AddProject(id, name, description, color), options);
        }
    }

    public List<JsonObject> ListPlans() => [.. options.EffectivePlans.Select(Views.Plan)];
}
