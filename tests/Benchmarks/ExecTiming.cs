namespace Benchmarks;

/// <summary>
/// How one exec went, in seconds from the moment the client began to open its connection: the session opened (the
/// WebSocket upgraded; for Northflank's client, its init answered), the first and last stdout byte decoded, the exit
/// status received.
/// </summary>
internal sealed record ExecTiming(double OpenedSeconds, double FirstByteSeconds, double LastByteSeconds, double CompletedSeconds, long StdoutBytes);
