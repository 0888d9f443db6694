using System.Net;
using System.Net.Sockets;

namespace TestInfra;

/// <summary>Picks free loopback ports by letting the kernel choose one, so parallel runs on one machine do not clash.</summary>
internal static class FreePorts
{
    public static int Next()
    {
        // The port is released before the server binds it; the small race with another process is handled by
        // LocalControlPlane retrying startup with fresh ports.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
