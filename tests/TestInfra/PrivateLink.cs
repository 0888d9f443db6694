using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace TestInfra;

/// <summary>
/// A private, non-loopback address pair on this machine, for servers that kube-apiserver must reach through an
/// Endpoints object (which refuses loopback and link-local addresses): a veth pair from this network namespace into
/// a new, empty one, with a free /30 of 10.250.0.0/16. <see cref="HostAddress"/> is an address of this namespace (a
/// server in the test process binds it and kube-apiserver, on the host, dials it); <see cref="PeerAddress"/> is the
/// other end, inside the namespace, for a server run there with <see cref="StartServer"/>. Nothing is routed off the
/// machine and no kernel setting changes: the /30 is a link of its own, and forwarding stays as it is (off).
/// Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN for the namespace).
/// <para>
/// No leftovers: the namespace belongs to a holder process tethered to this process (tests/infra/tether.sh), and the
/// kernel deletes the veth pair, both ends, when the last process in the namespace is gone, also after a SIGKILLed
/// test run. Links and holders whose owner died anyway (the tether itself killed) are removed by the next
/// <see cref="CreateAsync"/>; both carry the owner's pid in their names for that.
/// </para>
/// </summary>
public sealed class PrivateLink : IAsyncDisposable
{
    // The host end is nsoa<owner pid>-<n>: at most 4 + 7 + 1 + 3 characters, within the kernel's 15.
    private const string LinkPrefix = "nsoa";
    private const string HolderPrefix = "nso-netns-of-";
    private const string PeerLinkName = "nso0";
    private static readonly IPNetwork Pool = IPNetwork.Parse("10.250.0.0/16");
    private static int linkCounter;

    private readonly TetheredProcess holder;
    private readonly string pidFile;
    private readonly List<TetheredProcess> servers = [];
    private int disposed;

    private PrivateLink(string linkName, IPNetwork network, TetheredProcess holder, int holderPid, string pidFile, string logDirectory)
    {
        LinkName = linkName;
        Network = network;
        this.holder = holder;
        this.pidFile = pidFile;
        NamespacePath = $"/proc/{holderPid}/ns/net";
        LogDirectory = logDirectory;
        var bytes = network.BaseAddress.GetAddressBytes();
        bytes[3] += 1;
        HostAddress = new IPAddress(bytes);
        bytes[3] += 1;
        PeerAddress = new IPAddress(bytes);
    }

    /// <summary>The /30 of the link.</summary>
    public IPNetwork Network { get; }

    /// <summary>The address of this (the host's) end: bind a server of the test process here.</summary>
    public IPAddress HostAddress { get; }

    /// <summary>The address of the end inside the namespace, for servers started with <see cref="StartServer"/>.</summary>
    public IPAddress PeerAddress { get; }

    /// <summary>Name of the host end of the veth pair.</summary>
    public string LinkName { get; }

    /// <summary>The namespace, for <c>nsenter --net=</c>.</summary>
    public string NamespacePath { get; }

    /// <summary>Where the logs of the holder and of servers started with <see cref="StartServer"/> go.</summary>
    public string LogDirectory { get; }

    /// <summary>Creates the namespace and the link; logs (holder, servers) go to <paramref name="logDirectory"/>.</summary>
    public static async Task<PrivateLink> CreateAsync(string logDirectory, CancellationToken ct = default)
    {
        await RemoveLeftoversOfDeadOwnersAsync(ct);
        Directory.CreateDirectory(logDirectory);
        var owner = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var linkName = $"{LinkPrefix}{owner}-{Interlocked.Increment(ref linkCounter)}";
        var pidFile = Path.Combine(logDirectory, linkName + ".pid");
        // The holder writes its pid once it is inside the new namespace, then becomes a sleep named after the owner.
        var holder = TetheredProcess.Start(
            linkName + "-netns",
            "unshare",
            ["--net", "--", "bash", "-c", $"echo $$ > '{pidFile}' && exec -a {HolderPrefix}{owner} sleep infinity"],
            Path.Combine(logDirectory, linkName + "-netns.log"));
        try
        {
            var holderPid = await WaitForPidAsync(holder, pidFile, ct);
            var network = await ChooseFreeNetworkAsync(ct);
            var link = new PrivateLink(linkName, network, holder, holderPid, pidFile, logDirectory);
            await link.ConfigureAsync(holderPid, ct);
            return link;
        }
        catch
        {
            await ToolRunner.RunAsync("ip", ["link", "del", linkName], ct: CancellationToken.None);
            await holder.StopAsync(TimeSpan.FromSeconds(5));
            File.Delete(pidFile);
            throw;
        }
    }

    /// <summary>A server inside the namespace (it binds <see cref="PeerAddress"/>), tethered, stopped on dispose.</summary>
    public TetheredProcess StartServer(string name, string executable, IEnumerable<string> arguments)
    {
        var server = TetheredProcess.Start(name, "nsenter", [$"--net={NamespacePath}", executable, .. arguments], Path.Combine(LogDirectory, name + ".log"));
        servers.Add(server);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        foreach (var server in servers)
        {
            await server.StopAsync(TimeSpan.FromSeconds(10));
        }

        // Deleting either end deletes the pair; the holder's exit would too, this just does not wait for it.
        await ToolRunner.RunAsync("ip", ["link", "del", LinkName]);
        await holder.StopAsync(TimeSpan.FromSeconds(5));
        File.Delete(pidFile);
    }

    private async Task ConfigureAsync(int holderPid, CancellationToken ct)
    {
        var prefix = Network.PrefixLength.ToString(CultureInfo.InvariantCulture);
        var inNamespace = new[] { "nsenter", $"--net={NamespacePath}", "ip" };
        string[][] commands =
        [
            ["ip", "link", "add", LinkName, "type", "veth", "peer", "name", PeerLinkName, "netns", holderPid.ToString(CultureInfo.InvariantCulture)],
            // No IPv6 link-local addresses: nothing of ours uses them, so no neighbour discovery chatter either.
            ["ip", "link", "set", LinkName, "addrgenmode", "none"],
            ["ip", "addr", "add", $"{HostAddress}/{prefix}", "dev", LinkName],
            ["ip", "link", "set", LinkName, "up"],
            [.. inNamespace, "link", "set", PeerLinkName, "addrgenmode", "none"],
            [.. inNamespace, "addr", "add", $"{PeerAddress}/{prefix}", "dev", PeerLinkName],
            [.. inNamespace, "link", "set", PeerLinkName, "up"],
            [.. inNamespace, "link", "set", "lo", "up"],
        ];
        foreach (var command in commands)
        {
            var result = await ToolRunner.RunAsync(command[0], command[1..], ct: ct);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"{string.Join(' ', command)}: {result.Describe()}");
            }
        }
    }

    private static async Task<int> WaitForPidAsync(TetheredProcess holder, string pidFile, CancellationToken ct)
    {
        var pid = 0;
        await Poll.UntilAsync(
            _ =>
            {
                if (holder.HasExited)
                {
                    throw new InvalidOperationException($"The namespace holder exited ({holder.ExitCode}); see {holder.LogPath}: {holder.LogTail(10)}");
                }

                return Task.FromResult(File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out pid));
            },
            TimeSpan.FromSeconds(10),
            "the network namespace holder is running",
            ct);
        return pid;
    }

    /// <summary>A random /30 of <see cref="Pool"/> that no address or route of this namespace overlaps.</summary>
    private static async Task<IPNetwork> ChooseFreeNetworkAsync(CancellationToken ct)
    {
        var addresses = await ToolRunner.RunAsync("ip", ["-4", "-o", "addr", "show"], ct: ct);
        var routes = await ToolRunner.RunAsync("ip", ["-4", "-o", "route", "show", "table", "all"], ct: ct);
        var taken = (addresses.StandardOutput + "\n" + routes.StandardOutput)
            .Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(ParseIPv4Network)
            .OfType<IPNetwork>()
            .ToList();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var bytes = Pool.BaseAddress.GetAddressBytes();
            bytes[2] = (byte)RandomNumberGenerator.GetInt32(256);
            bytes[3] = (byte)(RandomNumberGenerator.GetInt32(64) * 4);
            var candidate = new IPNetwork(new IPAddress(bytes), 30);
            if (!taken.Any(t => t.Contains(candidate.BaseAddress) || candidate.Contains(t.BaseAddress)))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No free /30 in {Pool} on this machine.");
    }

    /// <summary><c>a.b.c.d</c> or <c>a.b.c.d/n</c> (host bits allowed, as <c>ip addr</c> prints them); null for other tokens.</summary>
    private static IPNetwork? ParseIPv4Network(string token)
    {
        var parts = token.Split('/');
        var prefix = 32;
        if (parts[0].Count(c => c == '.') != 3 || !IPAddress.TryParse(parts[0], out var address) ||
            (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out prefix)) ||
            parts.Length > 2 || prefix > 32)
        {
            return null;
        }

        var bits = BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        var baseBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(baseBytes, bits & mask);
        return new IPNetwork(new IPAddress(baseBytes), prefix);
    }

    /// <summary>Links and namespace holders of owners that are gone (normally the kernel already removed them).</summary>
    private static async Task RemoveLeftoversOfDeadOwnersAsync(CancellationToken ct)
    {
        var links = await ToolRunner.RunAsync("ip", ["-o", "link", "show"], ct: ct);
        foreach (var line in links.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "7: nsoa1234-1@if2: <BROADCAST,...> ..."
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var name = fields.Length > 1 ? fields[1].TrimEnd(':').Split('@')[0] : string.Empty;
            if (OwnerOf(name, LinkPrefix, '-') is { } owner && !IsAlive(owner))
            {
                await ToolRunner.RunAsync("ip", ["link", "del", name], ct: ct);
            }
        }

        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(process), CultureInfo.InvariantCulture, out var pid) &&
                ReadArgv0(process) is { } argv0 && OwnerOf(argv0, HolderPrefix, null) is { } owner && !IsAlive(owner))
            {
                NativeMethods.Kill(pid, NativeMethods.SigKill);
            }
        }
    }

    /// <summary>The owner pid in <c>{prefix}{pid}</c> or <c>{prefix}{pid}{separator}...</c>; null for other names.</summary>
    private static int? OwnerOf(string name, string prefix, char? separator)
    {
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = name[prefix.Length..];
        var digits = separator is { } s && rest.IndexOf(s, StringComparison.Ordinal) is var i and >= 0 ? rest[..i] : rest;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static string? ReadArgv0(string processDirectory)
    {
        try
        {
            var cmdline = File.ReadAllText(Path.Combine(processDirectory, "cmdline"));
            return cmdline.Split('\0')[0];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // Exited meanwhile.
        }
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");
}
