using SandboxOperator.Api.Crds;
using SandboxOperator.Hosting;

if (args is ["crds", ..])
{
    // `crds DIR` writes one file per kind (make crds); `crds` prints them all, as one multi-document YAML.
    if (args is [_, var directory, ..])
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

    return 0;
}

if (args is ["--help" or "-h" or "help", ..])
{
    Console.Out.WriteLine(CommandLine.Usage);
    return 0;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.Configuration.AddCommandLine(args, CommandLine.Switches.ToDictionary());
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://0.0.0.0:8080");
}

var options = builder.Configuration.GetSection(OperatorOptions.Section).Get<OperatorOptions>() ?? new OperatorOptions();
builder.AddOperatorObservability();
builder.Services.AddSandboxOperator(options);

var app = builder.Build();
app.MapOperatorEndpoints();
await app.RunAsync();
return Environment.ExitCode;
