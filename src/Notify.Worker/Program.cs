using Notify.Aws;
using Notify.Worker.Scheduling;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddNotifyStores(builder.Configuration);
builder.Services.AddOptions<SweepOptions>().Bind(builder.Configuration.GetSection(SweepOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddHostedService<DueEventSweepService>();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGet("/", () => TypedResults.Ok(new { service = "Notify.Worker" }));

app.Run();

public partial class Program;
