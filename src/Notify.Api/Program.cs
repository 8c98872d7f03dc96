using Notify.Api;
using Notify.Api.Apis;
using Notify.Api.Dashboard;
using Notify.Api.Inbox;
using Notify.Api.Lambda;
using Notify.Aws;
using Notify.Aws.Readiness;
using Notify.ServiceDefaults.Health;

var builder = WebApplication.CreateBuilder(args);

builder.WebHost.UseLambdaRuntimeWhenPresent();

builder.AddServiceDefaults();
builder.Services.AddNotifyAws(builder.Configuration);
builder.Services.AddNotifyStores(builder.Configuration);
builder.AddNotifyApi();
builder.AddNotifyInbox();
builder.Services.AddHealthChecks()
    .AddAwsReadinessCheck("dynamodb", AwsReadinessProbes.MainTableAsync)
    .AddAwsReadinessCheck("sqs-lanes", AwsReadinessProbes.LanesAsync);

var app = builder.Build();

app.UseNotifyApi();
app.MapDefaultEndpoints();
app.MapEventsEndpoints();
app.MapUsersEndpoints();
app.MapInbox();
app.MapTemplatesEndpoints();
app.MapDeadLettersEndpoints();
app.MapKeysEndpoints();
app.MapOperationsEndpoints();
app.MapDashboard();
app.MapStatsEndpoints();

app.Run();

/// <summary>Reachable from tests (WebApplicationFactory).</summary>
public partial class Program;
