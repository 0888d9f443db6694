using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Northflank;

/// <summary>
/// A value that cannot be sent as a bearer token never becomes a <see cref="NorthflankToken"/>, and what the HTTP layer
/// throws never reaches a message with its own text (which can quote a header, the token's among them).
/// </summary>
[TestFixture]
public sealed class TokenValidationTests
{
    private const string Secret = "nfapi-4f1d9c-secret";

    [TestCase("nfapi-line-one\nnfapi-line-two", "contains a line break")]
    [TestCase("nfapi-line-one\r\nnfapi-line-two", "contains a line break")]
    [TestCase("nfapi-line-one\rnfapi-line-two", "contains a line break")]
    [TestCase("nfapi-tokén-value", "contains a non-ASCII character")]
    [TestCase("nfapi-token\u2028value", "contains a non-ASCII character")]
    [TestCase("nfapi-token\tvalue", "contains a control character")]
    [TestCase("nfapi-token\u007fvalue", "contains a control character")]
    [TestCase("nfapi secret value", "contains a space")]
    [TestCase("", "is empty")]
    [TestCase(" \n", "is empty")]
    public void A_value_that_cannot_be_a_header_is_refused_saying_what_is_wrong_and_never_the_value(string value, string problem)
    {
        var refused = Assert.Throws<InvalidTokenException>(() => _ = new NorthflankToken(value));

        Assert.Multiple(() =>
        {
            Assert.That(NorthflankToken.ProblemWith(value), Does.StartWith(problem));
            Assert.That(refused!.Problem, Does.StartWith(problem));
            Assert.That(refused.Message, Does.StartWith("the token " + problem));
            foreach (var part in value.Split(['\n', '\r', ' ', '\t', '\u2028', '\u007f', 'é'], StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.That(refused.Message, Does.Not.Contain(part), "no part of the value is in the message");
            }
        });
    }

    [TestCase(Secret + "\n", Description = "kubectl create secret --from-file of a one-line file")]
    [TestCase(Secret + "\r\n")]
    [TestCase("  " + Secret + " \n\n")]
    public void Whitespace_around_the_value_such_as_the_trailing_newline_of_a_file_is_trimmed(string value)
    {
        Assert.Multiple(() =>
        {
            Assert.That(NorthflankToken.ProblemWith(value), Is.Null);
            Assert.That(new NorthflankToken(value), Is.EqualTo(new NorthflankToken(Secret)));
            Assert.That(new NorthflankToken(value).Reveal(), Is.EqualTo(Secret));
        });
    }

    [Test]
    public void Every_visible_ascii_character_may_be_in_a_token()
    {
        var visible = new string([.. Enumerable.Range(0x21, 0x7e - 0x21 + 1).Select(c => (char)c)]);

        Assert.That(NorthflankToken.ProblemWith(visible), Is.Null);
    }

    [Test]
    public void No_answer_is_told_by_the_failure_s_type_and_codes_with_no_inner_exception_to_quote_a_header()
    {
        var time = new FakeTimeProvider();
        var closedPort = ClosedPort();
        var (client, budget) = Client(new Uri($"http://127.0.0.1:{closedPort}/"), time);
        using (budget)
        using (client)
        {
            var failure = Assert.ThrowsAsync<NorthflankApiException>(() => client.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None));

            Assert.Multiple(() =>
            {
                Assert.That(failure!.Status, Is.Null);
                Assert.That(failure.InnerException, Is.Null, "the HTTP layer's exception, whose message may quote a header, is not kept");
                Assert.That(failure.Message, Does.Match(@"^No answer from Northflank for GET /v1/projects: HttpRequestException \(ConnectionError, ConnectionRefused\)\.$"));
            });
        }
    }

    [Test]
    public async Task A_request_the_http_layer_refuses_to_build_is_told_by_type_only_and_is_no_outage()
    {
        var time = new FakeTimeProvider();
        await using var stub = await StubServer.StartAsync(_ => StubResponse.Data(new { }));
        var token = new NorthflankToken(Secret);
        var options = new NorthflankClientOptions { BaseUrl = stub.BaseUrl, MaxRetries = 2, RetryBaseDelay = TimeSpan.Zero, BurstSize = 20 };
        using var budget = new RequestBudget(options.RequestsPerHour, options.Headroom, options.BurstSize, time, token.Fingerprint);
        using var circuit = new TokenCircuit(time, TimeSpan.FromSeconds(2), _ => Task.CompletedTask, _ => { });
        using var client = new NorthflankApiClient(token, TestGate.Of(options, budget, circuit), options.Wire, timeProvider: time);

        // An empty path segment is refused while the request is built, like a header value RestSharp refuses.
        var failure = Assert.ThrowsAsync<InvalidOperationException>(() => client.GetServiceAsync("project", " ", RequestPriority.Observe, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Is.EqualTo("The request GET /v1/projects/{projectId}/services/{serviceId} could not be sent: ArgumentException."));
            Assert.That(failure.InnerException, Is.Null);
            Assert.That(circuit.IsOpen, Is.False, "nothing was sent: Northflank did not fail to answer");
            Assert.That(stub.Requests, Is.Empty);
        });
    }

    private static (NorthflankApiClient Client, RequestBudget Budget) Client(Uri baseUrl, TimeProvider time)
    {
        var token = new NorthflankToken(Secret);
        var options = new NorthflankClientOptions { BaseUrl = baseUrl, MaxRetries = 0, RetryBaseDelay = TimeSpan.Zero, BurstSize = 20 };
        var budget = new RequestBudget(options.RequestsPerHour, options.Headroom, options.BurstSize, time, token.Fingerprint);
        return (new NorthflankApiClient(token, TestGate.Of(options, budget), options.Wire, timeProvider: time), budget);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
