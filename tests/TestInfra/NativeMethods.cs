using System.Runtime.InteropServices;

namespace TestInfra;

internal static partial class NativeMethods
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    // Linux values (x86-64 and arm64 alike); the only platform these tests run on.
    public const int SigCont = 18;
    public const int SigStop = 19;

    /// <summary>kill(2). A negative pid addresses a whole process group, which Process.Kill cannot do.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
