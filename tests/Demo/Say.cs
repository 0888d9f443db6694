using System.Diagnostics;

namespace Demo;

/// <summary>
/// Everything the demo tells its reader goes through here: one line per event, stamped with the seconds since the
/// demo started, so a person can follow what happens and how long each part takes.
/// </summary>
internal static class Say
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static TimeSpan Elapsed => Clock.Elapsed;

    /// <summary>A numbered part of the demo, set off by a blank line.</summary>
    public static void Step(int number, string title)
    {
        Console.WriteLine();
        Line($"== {number}. {title}");
    }

    public static void Line(string message) => Console.WriteLine($"[{Clock.Elapsed.TotalSeconds,6:F1}s] {message}");

    /// <summary>Output of a tool (kubectl) or a listing, indented under the line that introduced it.</summary>
    public static void Block(string text)
    {
        foreach (var line in text.TrimEnd().Split('\n'))
        {
            Console.WriteLine($"          {line}");
        }
    }

    public static void Error(string message)
    {
        Console.WriteLine();
        Line($"DEMO FAILED: {message}");
    }
}
