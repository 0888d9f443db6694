using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;
using SandboxOperator.Telemetry;

namespace SandboxOperator.Connect;

/// <summary>A request the API server authenticated, for one subresource of one Sandbox.</summary>
public sealed record ConnectRequest(ConnectUser User, string Namespace, string Name, string Subresource);

/// <summary>
/// What every exec and log request goes through before anything streams, in order: the user's right to the
/// subresource (a SubjectAccessReview), the Sandbox and where it may be reached (<see cref="SandboxSessions"/>), one
/// request from its token's budget (a throttled token answers 429 with when to come back, never a wait), then
/// Northflank's exec or log. Each refusal is a <see cref="ConnectRefusedException"/> with its HTTP code.
/// </summary>
public sealed class ConnectService(
    IAccessReviewer reviewer,
    SandboxSessions sessions,
    NorthflankStreams streams,
    Func<NorthflankToken, RequestBudget> budgets,
    NorthflankClientOptions northflank,
    IExecAudit audit,
    ConnectMetrics metrics,
    TimeProvider time,
    ILogger<ConnectService> logger)
{
    public NorthflankStreams Streams => streams;

    public ConnectMetrics Metrics => metrics;

    /// <summary>Authorised, found, resolved and charged: the Sandbox and where its session goes.</summary>
    public async Task<(Sandbox Sandbox, SessionTarget Target)> PrepareAsync(ConnectRequest request, CancellationToken ct)
    {
        var review = AccessReview.For(request.User, request.Namespace, request.Name, request.Subresource);
        var decision = await reviewer.ReviewAsync(review, ct);
        if (!decision.Allowed)
        {
            throw new ConnectRefusedException(403, "Forbidden",
                $"User \"{request.User.Name}\" cannot {ConnectApi.VerbOf(request.Subresource)} resource \"{ConnectApi.Resource}/{request.Subresource}\" in API group \"{ConnectApi.Group}\" in the namespace \"{request.Namespace}\"");
        }

        var sandbox = await sessions.FindAsync(request.Namespace, request.Name, ct);
        var target = await sessions.ResolveAsync(sandbox, running: request.Subresource == ConnectApi.Exec, ct);
        await ChargeAsync(target, sandbox, ct);
        return (sandbox, target);
    }

    /// <summary>Starts the command on Northflank and audits it (the user, never the command).</summary>
    public async Task<NorthflankExecSession> OpenExecAsync(ConnectRequest request, Sandbox sandbox, SessionTarget target, ExecOptions options, CancellationToken ct)
    {
        var session = await Northflank(() => streams.OpenExecAsync(target.Token, target.ProjectId, target.ServiceId, new ExecContext(options.Command, options.Tty), ct), target);
        logger.LogInformation("{User} started an exec in Sandbox {Namespace}/{Name}", request.User.Name, request.Namespace, request.Name);
        Activity.Current?.AddEvent(new ActivityEvent("exec started"));
        await audit.ExecStartedAsync(sandbox, request.User, ct);
        return session;
    }

    /// <summary>Runs a Northflank call, turning its failure into the refusal the client gets.</summary>
    public async Task<T> Northflank<T>(Func<Task<T>> call, SessionTarget target)
    {
        try
        {
            return await call();
        }
        catch (NorthflankApiException e)
        {
            throw Refusal(e, target);
        }
    }

    /// <summary>
    /// A Northflank failure as the client sees it: throttled → 429 with Retry-After (a 429 from Northflank also pauses the
    /// token's budget, as any call's does), no answer or a 5xx → 503, any other refusal → 502. The message is Northflank's,
    /// which never holds the token.
    /// </summary>
    public ConnectRefusedException Refusal(NorthflankApiException e, SessionTarget target)
    {
        if (e.IsThrottled || e.Status == HttpStatusCode.TooManyRequests)
        {
            var retryAfter = e.ServedAt is { } at ? at - time.GetUtcNow() : e.RetryAfter ?? northflank.ThrottlePauseWithoutRetryAfter;
            if (!e.IsThrottled)
            {
                budgets(target.Token).PauseFor(retryAfter);
            }

            return new ConnectRefusedException(429, "TooManyRequests", "the Sandbox's Northflank token is throttled; retry later", retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter);
        }

        return e.IsOutage
            ? new ConnectRefusedException(503, "ServiceUnavailable", $"Northflank is unavailable: {e.Message}")
            : new ConnectRefusedException(502, "BadGateway", e.Message);
    }

    /// <summary>One request of the token's budget per session, in the Sandbox's tenant's turn; at most the usual wait.</summary>
    private async Task ChargeAsync(SessionTarget target, Sandbox sandbox, CancellationToken ct)
    {
        using var caller = BudgetCaller.Is($"connect/{sandbox.Metadata.Uid}", sandbox.Metadata.NamespaceProperty);
        try
        {
            await budgets(target.Token).AcquireAsync(RequestPriority.Observe, northflank.MaxBudgetWait, ct);
        }
        catch (NorthflankApiException e)
        {
            throw Refusal(e, target);
        }
    }
}
