using System.ComponentModel.DataAnnotations;
using Notify.Core;
using Notify.Core.Events;

namespace Notify.Api.Options;

/// <summary>How <c>POST /api/events</c> and <c>/api/events/batch</c> accept events (section <c>Notify:Ingestion</c>).</summary>
internal sealed class IngestionOptions
{
    public const string SectionName = "Notify:Ingestion";

    /// <summary>The lane of an event type that names no priority; types not listed go to the low lane.</summary>
    public Dictionary<string, Priority> DefaultPriorities { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Request body of one event. SQS takes 256 KiB per message, so this bounds what a lane can ever be handed.</summary>
    [Range(1024, IngestionLimits.RequestBodyMaxBytes)]
    public int MaxEventBodyBytes { get; set; } = IngestionLimits.RequestBodyMaxBytes;

    [Range(1024, IngestionLimits.BatchBodyMaxBytes)]
    public int MaxBatchBodyBytes { get; set; } = IngestionLimits.BatchBodyMaxBytes;

    /// <summary>At most <see cref="IngestionLimits.BatchMaxEvents"/>, which the batch parser enforces regardless.</summary>
    [Range(1, IngestionLimits.BatchMaxEvents)]
    public int MaxBatchSize { get; set; } = IngestionLimits.BatchMaxEvents;

    /// <summary>Items of one batch in flight at once: enough to fill the publisher's 10-entry SendMessageBatch calls.</summary>
    [Range(1, 100)]
    public int BatchConcurrency { get; set; } = 20;
}
