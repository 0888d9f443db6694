using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace UnitTests.Northflank;

/// <summary>What the stub saw: method, path (as sent, still percent-encoded), query, body and Authorization header.</summary>
internal sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string Body, string? Authorization)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

internal sealed record StubResponse(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static StubResponse Data(object data, object? pagination = null) =>
        new(200, JsonSerializer.Serialize(pagination is null ? new { data } : (object)new { data, pagination }));

    public static StubResponse Error(int status, string message, string? id = null) =>
        new(status, JsonSerializer.Serialize(new { error = new { status, message, id } }));
}

/// <summary>A tiny Kestrel server on 127.0.0.1 with a free port; answers every request with the test's handler.</summary>
internal sealed class StubServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CancellationTokenSource stopping = new();

    private StubServer(WebApplication app, Uri baseUrl)
    {
        this.app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public CancellationToken Stopping => stopping.Token;

    public static Task<StubServer> StartAsync(Func<RecordedRequest, StubResponse> handler) =>
        StartAsync((request, _) => Task.FromResult(handler(request)));

    public static async Task<StubServer> StartAsync(Func<RecordedRequest, CancellationToken, Task<StubResponse>> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        StubServer? server = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var request = new RecordedRequest(
                context.Request.Method,
                context.Request.Path.ToUriComponent(),
                context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
                body,
                context.Request.Headers.Authorization.ToString());
            server!.Requests.Enqueue(request);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, server.Stopping);
            StubResponse response;
            try
            {
                response = await handler(request, linked.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            context.Response.StatusCode = response.Status;
            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            if (response.Body is not null)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(response.Body, context.RequestAborted);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server = new StubServer(app, new Uri(address));
        return server;
    }

    private int disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        stopping.Dispose();
    }
}
