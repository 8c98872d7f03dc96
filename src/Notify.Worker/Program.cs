using Notify.Aws.Readiness;
using Notify.ServiceDefaults.Health;
using Notify.Worker;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddNotifyWorker(builder.Configuration);
builder.Services.AddHealthChecks()
    .AddAwsReadinessCheck("dynamodb", AwsReadinessProbes.MainTableAsync)
    .AddAwsReadinessCheck("sqs-lanes", AwsReadinessProbes.LanesAsync)
    .AddAwsReadinessCheck("sqs-feedback-and-dlqs", AwsReadinessProbes.FeedbackAndDeadLettersAsync);

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGet("/", () => TypedResults.Ok(new { service = "Notify.Worker" }));

app.Run();

public partial class Program;
