using NorthflankSimulator;

// Process mode: `dotnet NorthflankSimulator.dll --urls http://127.0.0.1:0 --Simulator:Tokens:0:Token=...`.
var builder = WebApplication.CreateSlimBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:0");
}

var options = new SimulatorOptions();
builder.Configuration.GetSection(SimulatorOptions.SectionName).Bind(options);
var app = SimulatorApp.Build(builder, options, out _);
await app.StartAsync();

// A parent process reads this exact line to learn the port; keep its format stable.
Console.WriteLine($"Northflank simulator listening on {SimulatorApp.BoundAddress(app).ToString().TrimEnd('/')}");
Console.WriteLine(options.Tokens is null
    ? "No tokens configured: accepting the development token documented in tests/NorthflankSimulator/README.md"
    : $"{options.Tokens.Count} token(s) configured");
await app.WaitForShutdownAsync();
