namespace TestInfra;

/// <summary>Writes a minimal kubeconfig for kubectl, helm or an operator process.</summary>
internal static class Kubeconfig
{
    /// <summary>
    /// The server certificate is the apiserver's self-signed one from --cert-dir, so clients skip verification.
    /// That is acceptable because the server binds 127.0.0.1 only and lives for one test run.
    /// </summary>
    public static void Write(string path, Uri server, string userName, string token)
    {
        var content = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: local
              cluster:
                server: {server.ToString().TrimEnd('/')}
                insecure-skip-tls-verify: true
            users:
            - name: {Quote(userName)}
              user:
                token: {Quote(token)}
            contexts:
            - name: local
              context:
                cluster: local
                user: {Quote(userName)}
                namespace: default
            current-context: local

            """;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Owner-only: the file holds a bearer token.
        File.WriteAllText(path, string.Empty);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(path, content);
    }

    // YAML single-quoted scalar: user names like "system:serviceaccount:ns:name" contain colons.
    private static string Quote(string value) => "'" + value.Replace("'", "''") + "'";
}
