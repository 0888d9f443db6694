using System.IO.Pipelines;
using KubectlSandbox.Cli;
using KubectlSandbox.Exec;
using KubectlSandbox.Kube;

namespace KubectlSandbox.Copy;

/// <summary>
/// <c>kubectl sandbox cp</c>, as <c>kubectl cp</c> does it: over exec, with <c>tar</c> in the Sandbox. The copy takes
/// the destination's name (<c>cp NAME:/a/dir ./b</c> makes ./b a copy of /a/dir). Out of the Sandbox the archive is
/// extracted by <see cref="SafeExtractor"/>; into it, the archive goes to <c>tar -x</c> as stdin, whose end v5 signals.
/// </summary>
internal static class CopyCommand
{
    public static async Task<int> RunAsync(KubeConnection connection, CopyVerb verb, Stream stderr, CancellationToken cancellationToken)
    {
        return verb.Source.IsRemote
            ? await FromSandboxAsync(connection, verb.Source, verb.Destination.Path, stderr, cancellationToken)
            : await ToSandboxAsync(connection, verb.Source.Path, verb.Destination, stderr, cancellationToken);
    }

    public static async Task<int> FromSandboxAsync(KubeConnection connection, CopyPath source, string destination, Stream stderr, CancellationToken cancellationToken)
    {
        var (directory, name) = Split(source.Path);
        var pipe = new Pipe();
        var extract = Task.Run(
            async () =>
            {
                try
                {
                    await SafeExtractor.ExtractAsync(pipe.Reader.AsStream(), destination, name, cancellationToken);
                }
                finally
                {
                    // Done or refused: what else comes is dropped, so the session drains instead of stalling on a full pipe.
                    await pipe.Reader.CompleteAsync();
                }
            },
            cancellationToken);
        int exit;
        await using (var archive = pipe.Writer.AsStream())
        {
            exit = await ExecCommand.RunAsync(connection, source.Sandbox!, ["tar", "cf", "-", "-C", directory, name], null, archive, stderr, false, null, cancellationToken);
        }

        await extract;
        return exit == 0 ? 0 : throw new ApiError($"tar in sandbox {source.Sandbox} exited with {exit}");
    }

    public static async Task<int> ToSandboxAsync(KubeConnection connection, string source, CopyPath destination, Stream stderr, CancellationToken cancellationToken)
    {
        if (!File.Exists(source) && !Directory.Exists(source))
        {
            throw new ApiError($"{source}: no such file or directory");
        }

        var (directory, name) = Split(destination.Path);
        var pipe = new Pipe();
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var archive = Task.Run(
            async () =>
            {
                await using var output = pipe.Writer.AsStream();
                await TarSource.WriteAsync(source, name, output, writing.Token);
            },
            writing.Token);

        // -o: files belong to the Sandbox's user, not to the local uid recorded in the archive (GNU, BusyBox and bsdtar).
        var exit = await ExecCommand.RunAsync(connection, destination.Sandbox!, ["tar", "-xof", "-", "-C", directory], pipe.Reader.AsStream(), Stream.Null, stderr, false, null, cancellationToken);

        // tar may stop reading before the archive's last padding: the remote exit code is the verdict, unless reading
        // the local files failed (then that is the cause of whatever tar said).
        await writing.CancelAsync();
        try
        {
            await archive;
        }
        catch (OperationCanceledException)
        {
        }

        return exit == 0 ? 0 : throw new ApiError($"tar in sandbox {destination.Sandbox} exited with {exit}");
    }

    /// <summary>A remote path as the directory tar runs in and the name it archives or extracts as.</summary>
    public static (string Directory, string Name) Split(string remotePath)
    {
        var trimmed = remotePath.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        var (directory, name) = slash < 0 ? (".", trimmed) : (slash == 0 ? "/" : trimmed[..slash], trimmed[(slash + 1)..]);
        return name is "" or "." or ".."
            ? throw new UsageException($"cp: '{remotePath}' names no file or directory to copy")
            : (directory, name);
    }
}
