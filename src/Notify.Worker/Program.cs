using Notify.Worker;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddNotifyWorker(builder.Configuration);

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGet("/", () => TypedResults.Ok(new { service = "Notify.Worker" }));

app.Run();

public partial class Program;
