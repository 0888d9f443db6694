using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

/// <summary>The one delete of the runtime, through the real KubernetesClient against scripted HTTP answers.</summary>
[TestFixture]
public class EntityClientDeleteTests
{
    [TestCase(HttpStatusCode.OK, DeleteResult.Deleted)]
    [TestCase(HttpStatusCode.Accepted, DeleteResult.Deleted)]
    [TestCase(HttpStatusCode.NotFound, DeleteResult.AlreadyGone)]
    [TestCase(HttpStatusCode.Conflict, DeleteResult.NotOurs)]
    public async Task A_delete_reports_how_it_ended(HttpStatusCode status, DeleteResult expected)
    {
        var server = new ScriptedHttp(status);
        using var kubernetes = server.Client();

        var result = await new EntityClient<Widget>(kubernetes).DeleteAsync(Widget.Make("team-a", "w1"), CancellationToken.None);

        Assert.That(result, Is.EqualTo(expected));
    }

    [Test]
    public async Task A_delete_names_the_object_and_carries_its_uid_as_a_precondition()
    {
        var server = new ScriptedHttp(HttpStatusCode.OK);
        using var kubernetes = server.Client();

        await new EntityClient<Widget>(kubernetes).DeleteAsync("w1", "team-a", "uid-1", CancellationToken.None);

        var (method, path, body) = server.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(method, Is.EqualTo("DELETE"));
            Assert.That(path, Is.EqualTo("/apis/test.example.com/v1/namespaces/team-a/widgets/w1"));
            Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("preconditions").GetProperty("uid").GetString(), Is.EqualTo("uid-1"));
        });
    }

    [Test]
    public async Task A_cluster_scoped_delete_has_no_namespace_in_its_path()
    {
        var server = new ScriptedHttp(HttpStatusCode.OK);
        using var kubernetes = server.Client();

        await new EntityClient<Widget>(kubernetes).DeleteAsync("w1", null, "uid-1", CancellationToken.None);

        Assert.That(server.Requests.Single().Path, Is.EqualTo("/apis/test.example.com/v1/widgets/w1"));
    }

    [Test]
    public void Any_other_error_is_thrown()
    {
        var server = new ScriptedHttp(HttpStatusCode.Forbidden);
        using var kubernetes = server.Client();

        Assert.That(
            () => new EntityClient<Widget>(kubernetes).DeleteAsync("w1", "team-a", "uid-1", CancellationToken.None),
            Throws.InstanceOf<k8s.Autorest.HttpOperationException>());
    }

    [Test]
    public void A_delete_without_uid_is_refused_and_nothing_is_sent()
    {
        var server = new ScriptedHttp(HttpStatusCode.OK);
        using var kubernetes = server.Client();

        Assert.Multiple(() =>
        {
            Assert.That(() => new EntityClient<Widget>(kubernetes).DeleteAsync("w1", "team-a", "", CancellationToken.None), Throws.InstanceOf<ArgumentException>());
            Assert.That(server.Requests, Is.Empty);
        });
    }

    [Test]
    public void Once_the_fence_is_closed_no_delete_is_sent()
    {
        var server = new ScriptedHttp(HttpStatusCode.OK);
        using var kubernetes = server.Client();
        var time = new FakeTimeProvider();
        using var fence = new LeaseFence(TimeSpan.FromSeconds(10), time);
        fence.Renewed(time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(() => new EntityClient<Widget>(kubernetes, fence: fence).DeleteAsync("w1", "team-a", "uid-1", CancellationToken.None), Throws.InstanceOf<LeadershipLostException>());
            Assert.That(server.Requests, Is.Empty);
        });
    }

    /// <summary>Answers every request with one status (a Status body for errors) and records what was sent.</summary>
    private sealed class ScriptedHttp(HttpStatusCode status) : DelegatingHandler
    {
        public List<(string Method, string Path, string Body)> Requests { get; } = [];

        public Kubernetes Client() => new(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }, this);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.Method.Method, request.RequestUri!.AbsolutePath, body));
            var json = (int)status < 300
                ? "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}"
                : $"{{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":{(int)status}}}";
            return new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent(json, Encoding.UTF8, "application/json") };
        }
    }
}
