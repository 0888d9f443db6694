using System.Threading.Channels;
using ControllerRuntime;

namespace SandboxOperator.Controllers.Sandboxes.Setup;

/// <summary>
/// Feeds the Sandboxes a token wakes into the controller's work queue: those an outage sent into backoff, when Northflank
/// answers the token again (its circuit), and those parked while the token held its share of the workers, when it has
/// room (its lanes). Callers are named namespace/name, as the work queue's keys.
/// </summary>
public sealed class WakeSource : IKeySource
{
    private readonly Channel<string> woken = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public void Post(string caller) => woken.Writer.TryWrite(caller);

    public async Task RunAsync(Action<ObjectKey> enqueue, CancellationToken ct)
    {
        await foreach (var caller in woken.Reader.ReadAllAsync(ct))
        {
            enqueue(ObjectKey.Parse(caller));
        }
    }
}
