using Notify.Peers.Kestrel;

// The framework ceiling for bench/run: POST /api/events parsed with System.Text.Json (source-generated) and answered
// 202, with no authentication, validation beyond the required fields, storage or queue. Everything Notify.Api does on
// top of this is what its ingestion figures pay for.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, PeerJsonContext.Default));

var app = builder.Build();
app.MapGet("/alive", () => TypedResults.Ok());
app.MapEventsEndpoints();
app.Run();
