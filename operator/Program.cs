using SandboxOperator.Api.Crds;
using SandboxOperator.Hosting;

// The flags, `crds` and --help are declared in Hosting/CommandLine.cs; this file says what running and `crds` do.
var commandLine = CommandLine.Create(RunOperatorAsync, WriteCrds);
return await CommandLine.InvokeAsync(CommandLine.Parse(commandLine, args), Console.Out, Console.Error);

// `crds DIR` writes one file per kind (make crds); `crds` prints them all, as one multi-document YAML.
static void WriteCrds(string? directory)
{
    if (directory is not null)
    {
        foreach (var crd in Crds.All)
        {
            File.WriteAllText(Path.Combine(directory, CrdBuilder.FileName(crd)), CrdBuilder.ToYaml(crd));
        }
    }
    else
    {
        Console.Out.Write(string.Join("---\n", Crds.All.Select(CrdBuilder.ToYaml)));
    }
}

static async Task<int> RunOperatorAsync(OperatorArguments arguments)
{
    // Configuration keys go where the host reads its command line; flags come last, so they win over the environment.
    var builder = WebApplication.CreateSlimBuilder([.. arguments.ConfigurationKeys]);
    builder.Configuration.AddInMemoryCollection(arguments.Settings);
    if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    {
        builder.WebHost.UseUrls(CommandLine.DefaultHealthAddress);
    }

    var options = builder.Configuration.GetSection(OperatorOptions.Section).Get<OperatorOptions>() ?? new OperatorOptions();
    try
    {
        // Settings a flag parses but the operator cannot run with (or that came from the environment): named, no trace.
        options.Validate();
    }
    catch (ArgumentException e)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return 2;
    }

    builder.AddOperatorObservability();
    builder.Services.AddSandboxOperator(options);

    var app = builder.Build();
    app.MapOperatorEndpoints();
    await app.RunAsync();
    return Environment.ExitCode;
}
