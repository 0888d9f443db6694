using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;

namespace SandboxOperator.Connect;

/// <summary>Where the request-header settings come from, read again now and then (the front proxy's CA may rotate).</summary>
public interface IRequestHeaderSource
{
    Task<RequestHeaderConfig?> GetAsync(CancellationToken ct);
}

/// <summary>
/// Reads <c>kube-system/extension-apiserver-authentication</c> (the operator needs <c>get</c> on that one ConfigMap) and
/// keeps it for <see cref="Refresh"/>: a rotated CA is taken within a minute, at one read a minute at most. Until it has
/// been read, or when it holds no request-header CA, every request is unauthenticated (401): never open by default.
/// </summary>
public sealed class RequestHeaderSource(IKubernetes kubernetes, TimeProvider time, ILogger<RequestHeaderSource> logger) : IRequestHeaderSource
{
    public static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim gate = new(1, 1);
    private RequestHeaderConfig? config;
    private DateTimeOffset readAt = DateTimeOffset.MinValue;

    public async Task<RequestHeaderConfig?> GetAsync(CancellationToken ct)
    {
        if (time.GetUtcNow() - readAt < Refresh)
        {
            return config;
        }

        await gate.WaitAsync(ct);
        try
        {
            if (time.GetUtcNow() - readAt >= Refresh)
            {
                config = await ReadAsync(ct) ?? config;
                readAt = time.GetUtcNow();
            }

            return config;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<RequestHeaderConfig?> ReadAsync(CancellationToken ct)
    {
        try
        {
            var map = await kubernetes.CoreV1.ReadNamespacedConfigMapAsync(RequestHeaderConfig.ConfigMapName, RequestHeaderConfig.ConfigMapNamespace, cancellationToken: ct);
            var read = RequestHeaderConfig.FromConfigMap(map.Data);
            if (read is null)
            {
                logger.LogWarning("{Namespace}/{Name} has no requestheader-client-ca-file: the connect API refuses every request until it has one",
                    RequestHeaderConfig.ConfigMapNamespace, RequestHeaderConfig.ConfigMapName);
            }

            return read;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or System.Security.Cryptography.CryptographicException)
        {
            var status = (e as HttpOperationException)?.Response?.StatusCode;
            logger.LogWarning("Cannot read {Namespace}/{Name} ({Status}): the connect API keeps what it read before, if anything",
                RequestHeaderConfig.ConfigMapNamespace, RequestHeaderConfig.ConfigMapName, status?.ToString() ?? e.GetType().Name);
            return null;
        }
    }
}
