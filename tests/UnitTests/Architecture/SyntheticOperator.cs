using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace UnitTests.Architecture;

/// <summary>
/// A small operator with the real folder names and a back-arrow out of every folder, compiled here so that the
/// architecture rules can be shown to catch what they are for. Types named *Allowed* use only what their folder's row
/// permits; every other type breaks exactly one rule.
/// </summary>
internal static class SyntheticOperator
{
    /// <summary>A stand-in for the controller runtime: what a controller must not name.</summary>
    private const string RuntimeSource = """
        namespace ControllerRuntime
        {
            public sealed class ObjectKey { }
        }
        """;

    private const string OperatorSource = """
        namespace SandboxOperator.Api
        {
            public class Spec { public SandboxOperator.Hosting.Host? Back; }
        }
        namespace SandboxOperator.Api.V1
        {
            public class KindAllowed { public SandboxOperator.Api.Spec? SameFolder; }
        }
        namespace SandboxOperator.Telemetry
        {
            public class MeterAllowed { }
            public static class Meter { public static string Of(SandboxOperator.Api.Spec spec) => spec.ToString()!; }
        }
        namespace SandboxOperator.Northflank
        {
            public class ClientAllowed { public SandboxOperator.Telemetry.MeterAllowed? Meter; }
            public static class Client { public static object Make() => new SandboxOperator.Controllers.Configs.AccessAllowed(); }
        }
        namespace SandboxOperator.Controllers.Common
        {
            public class ConditionAllowed { public SandboxOperator.Api.Spec? Spec; public SandboxOperator.Telemetry.MeterAllowed? Meter; }
            public class Condition { public SandboxOperator.Northflank.ClientAllowed? Back; }
        }
        namespace SandboxOperator.Controllers.Configs
        {
            public class AccessAllowed { public SandboxOperator.Controllers.Common.ConditionAllowed? Common; }
            public class Access { public SandboxOperator.Controllers.Sandboxes.ReconcilerAllowed? Back; }
        }
        namespace SandboxOperator.Controllers.Sandboxes
        {
            public class ReconcilerAllowed { public SandboxOperator.Controllers.Configs.AccessAllowed? Configs; public SandboxOperator.Northflank.ClientAllowed? Client; }
            public class Reconciler { public ControllerRuntime.ObjectKey? Back; }
        }
        namespace SandboxOperator.Controllers.Templates
        {
            public class TemplateAllowed { public SandboxOperator.Api.Spec? Spec; }
            public class Template { public SandboxOperator.Controllers.Sandboxes.ReconcilerAllowed? Back; }
            public class Hosted { public SandboxOperator.Hosting.Host? Back; }
            public class UsesItsSetup { public SandboxOperator.Controllers.Templates.Setup.TemplateSetupAllowed? Back; }
        }
        namespace SandboxOperator.Controllers.Templates.Setup
        {
            public class TemplateSetupAllowed { public ControllerRuntime.ObjectKey? Key; public SandboxOperator.Controllers.Templates.TemplateAllowed? Kind; public SandboxOperator.Controllers.Common.ConditionAllowed? Common; }
            public class TemplateSetup { public SandboxOperator.Controllers.Sandboxes.ReconcilerAllowed? Back; }
        }
        namespace SandboxOperator.Hosting
        {
            public class Host { public SandboxOperator.Controllers.Templates.TemplateAllowed? Templates; public ControllerRuntime.ObjectKey? Key; }
        }
        namespace SandboxOperator.Gadgets
        {
            public class Gadget { }
        }
        """;

    /// <summary>A runtime that names a type of the operator.</summary>
    private const string LeakyRuntimeSource = """
        namespace ControllerRuntime
        {
            public sealed class Clean { }
            public sealed class Leak { public SandboxOperator.Api.Spec? Back; }
        }
        """;

    private static readonly Lazy<(Assembly Ours, Assembly Runtime, Assembly LeakyRuntime)> Built = new(Build);

    public static Assembly Ours => Built.Value.Ours;

    public static Assembly Runtime => Built.Value.Runtime;

    public static Assembly LeakyRuntime => Built.Value.LeakyRuntime;

    private static (Assembly, Assembly, Assembly) Build()
    {
        var directory = Directory.CreateTempSubdirectory("architecture-synthetic-").FullName;
        // The framework's assemblies only: the test's own dependencies include the real ControllerRuntime.
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetDirectoryName(path) == framework)
            .Select(path => MetadataReference.CreateFromFile(path)).ToList<MetadataReference>();
        var runtime = Compile("SyntheticRuntime", RuntimeSource, platform, directory);
        var ours = Compile("SyntheticOperator", OperatorSource, [.. platform, MetadataReference.CreateFromFile(runtime)], directory);
        var leaky = Compile("SyntheticLeakyRuntime", LeakyRuntimeSource, [.. platform, MetadataReference.CreateFromFile(ours)], directory);
        return (Assembly.LoadFrom(ours), Assembly.LoadFrom(runtime), Assembly.LoadFrom(leaky));
    }

    private static string Compile(string name, string source, IEnumerable<MetadataReference> references, string directory)
    {
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var path = Path.Combine(directory, $"{name}.dll");
        var result = compilation.Emit(path);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{name} does not compile:\n{string.Join('\n', result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))}");
        }

        return path;
    }
}
