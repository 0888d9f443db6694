using System.Text.Json.Nodes;

namespace NorthflankSimulator.State;

/// <summary>
/// All simulated Northflank state behind one lock. Public members lock, change state and build their JSON answer
/// while still holding the lock, so no half-changed record ever escapes to a response.
/// </summary>
internal sealed partial class SimulatorStore
{
    private readonly Lock _gate = new();
    private readonly SimulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly SeededRandom _random;
    private readonly SortedDictionary<string, ProjectRecord> _projects = new(StringComparer.Ordinal);

    public SimulatorStore(SimulatorOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _random = new SeededRandom(options.RandomSeed);
        Reset();
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private DeploymentOptions Timing => _options.Deployment;

    /// <summary>Back to the seeded projects, with no services or volumes, and the random source reseeded.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _projects.Clear();
            _random.Reseed(_options.RandomSeed);
            foreach (var id in _options.EffectiveProjects)
            {
                AddProject(id, description: null, color: null);
            }
        }
    }

    private ProjectRecord AddProject(string id, string? description, string? color)
    {
        var project = new ProjectRecord
        {
            Id = id,
            Description = description,
            Color = color,
            DnsId = _random.NextId(6),
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        _projects[id] = project;
        return project;
    }

    private ProjectRecord ProjectOrThrow(string projectId) =>
        _projects.TryGetValue(projectId, out var project) ? project : throw ApiException.NotFound("project", projectId);

    private ServiceRecord ServiceOrThrow(ProjectRecord project, string serviceId) =>
        project.Services.TryGetValue(serviceId, out var service) ? service : throw ApiException.NotFound("service", serviceId);

    private VolumeRecord VolumeOrThrow(ProjectRecord project, string volumeId) =>
        project.Volumes.TryGetValue(volumeId, out var volume) ? volume : throw ApiException.NotFound("volume", volumeId);

    private DeploymentStatus StatusOf(ServiceRecord service) => DeploymentStateMachine.Evaluate(service.Rollout, Now, Timing);

    public List<JsonObject> ListProjects(Func<string, bool> visible)
    {
        lock (_gate)
        {
            return [.. _projects.Values.Where(p => visible(p.Id)).Select(Views.ProjectListItem)];
        }
    }

    public JsonObject GetProject(string projectId)
    {
        lock (_gate)
        {
            var project = ProjectOrThrow(projectId);
            return Views.Project(project, _options, project.Services.Values.Select(s => Views.ProjectServiceItem(s, _options)));
        }
    }

    /// <summary>POST fails with 409 on an existing id; PUT (<paramref name="upsert"/>) updates it instead.</summary>
    public JsonObject CreateProject(string name, string? description, string? color, bool upsert)
    {
        Validation.Name("name", name);
        lock (_gate)
        {
            if (_projects.TryGetValue(name, out var existing))
            {
                if (!upsert)
                {
                    throw ApiException.Conflict($"project '{name}' already exists");
                }

                existing.Description = description ?? existing.Description;
                existing.Color = color ?? existing.Color;
                existing.UpdatedAt = Now;
                return Views.ProjectCreated(existing, _options);
            }

            return Views.ProjectCreated(AddProject(name, description, color), _options);
        }
    }

    public List<JsonObject> ListPlans() => [.. _options.EffectivePlans.Select(Views.Plan)];

    public Inspection.SimulatorStateSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new Inspection.SimulatorStateSnapshot(
                [.. _projects.Values.Select(p => new Inspection.ProjectSnapshot(p.Id, p.Description, p.DnsId, p.CreatedAt))],
                [.. _projects.Values.SelectMany(p => p.Services.Values).Select(ServiceSnapshot)],
                [.. _projects.Values.SelectMany(p => p.Volumes.Values).Select(v => new Inspection.VolumeSnapshot(
                    v.ProjectId, v.Id, v.AccessMode, v.StorageSize, [.. v.Tags], [.. v.AttachedServices]))]);
        }
    }

    public Inspection.ServiceSnapshot? FindService(string projectId, string serviceId)
    {
        lock (_gate)
        {
            return _projects.TryGetValue(projectId, out var project) && project.Services.TryGetValue(serviceId, out var service)
                ? ServiceSnapshot(service)
                : null;
        }
    }

    private Inspection.ServiceSnapshot ServiceSnapshot(ServiceRecord s)
    {
        var status = StatusOf(s);
        var project = _projects[s.ProjectId];
        return new Inspection.ServiceSnapshot(
            s.ProjectId, s.Id, status.PhaseName, status.ReasonName, status.Message, s.Paused, s.Instances, s.ImagePath, s.Plan,
            [.. s.Tags],
            [.. s.Ports.Select(p => new Inspection.PortSnapshot(p.Id, p.Name, p.InternalPort, p.Protocol, p.Public, Views.Dns(p, s, project)))],
            [.. s.Environment.Keys],
            [.. project.Volumes.Values.Where(v => v.AttachedServices.Contains(s.Id)).Select(v => v.Id)],
            s.DeploymentCount)
        {
            DeploymentFinishedAt = status.Phase is DeploymentPhase.Completed or DeploymentPhase.Failed ? status.LastTransitionTime : null,
        };
    }
}
