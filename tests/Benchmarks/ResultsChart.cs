using ScottPlot;
using SkiaSharp;

namespace Benchmarks;

/// <summary>
/// A PNG with two bar charts side by side: calls per sandbox (create→Ready→gone) and steady calls per sandbox-hour,
/// one group per N, one bar per mode, each bar labelled with its value (the steady bars differ by orders of magnitude).
/// </summary>
internal static class ResultsChart
{
    private const int PanelWidth = 640;
    private const int Height = 480;

    public static void Save(IReadOnlyList<ScenarioResult> results, int timeScale, string path)
    {
        var panels = new[]
        {
            Panel(results, r => r.CallsPerSandbox, "Northflank calls per sandbox (create → Ready → gone)", "calls per sandbox"),
            Panel(results, r => r.SteadyCallsPerSandboxHour, $"Steady calls per sandbox-hour (batched: simulated ×{timeScale}; naive: real)", "calls per sandbox-hour"),
        };
        using var surface = SKSurface.Create(new SKImageInfo(PanelWidth * panels.Length, Height));
        surface.Canvas.Clear(SKColors.White);
        for (var i = 0; i < panels.Length; i++)
        {
            // Each panel as its own image: a plot rendered straight onto a shared canvas clears all of it first.
            using var bitmap = SKBitmap.Decode(panels[i].GetImageBytes(PanelWidth, Height, ImageFormat.Png));
            surface.Canvas.DrawBitmap(bitmap, PanelWidth * i, 0);
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        png.SaveTo(file);
    }

    private static Plot Panel(IReadOnlyList<ScenarioResult> results, Func<ScenarioResult, double> value, string title, string yLabel)
    {
        var plot = new Plot();
        var sizes = results.Select(r => r.Sandboxes).Distinct().Order().ToList();
        var modes = results.Select(r => r.Mode).Distinct().Order().ToList();
        var palette = new ScottPlot.Palettes.Category10();
        var ticks = new List<Tick>();
        for (var g = 0; g < sizes.Count; g++)
        {
            ticks.Add(new Tick(g * (modes.Count + 1) + (modes.Count - 1) / 2.0, $"N = {sizes[g]}"));
        }

        for (var m = 0; m < modes.Count; m++)
        {
            var bars = results
                .Where(r => r.Mode == modes[m])
                .Select(r => new Bar
                {
                    Position = sizes.IndexOf(r.Sandboxes) * (modes.Count + 1) + m,
                    Value = value(r),
                    FillColor = palette.GetColor(m),
                    Label = value(r).ToString(value(r) < 1 ? "0.000" : "0.0", System.Globalization.CultureInfo.InvariantCulture),
                })
                .ToList();
            var barPlot = plot.Add.Bars(bars);
            barPlot.LegendText = modes[m].ToString().ToLowerInvariant();
            barPlot.ValueLabelStyle.FontSize = 14;
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        // From 0 up with room for the value labels; also when every value is 0, which would centre the axis on 0.
        var highest = results.Select(value).DefaultIfEmpty(0).Max();
        plot.Axes.SetLimitsY(0, highest > 0 ? highest * 1.15 : 1);
        plot.Title(title, size: 14);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }
}
