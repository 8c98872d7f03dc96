using System.ComponentModel.DataAnnotations;

namespace Notify.Worker.Lanes;

/// <summary>The high/low lane consumer (section <c>Notify:Worker:Lanes</c>).</summary>
public sealed class LaneConsumerOptions() : MessageConsumerOptions(maxConcurrency: 16)
{
    public const string SectionName = "Notify:Worker:Lanes";

    /// <summary>While both lanes have work, at least one receive in every <see cref="LowShareEvery"/> goes to the low lane.</summary>
    [Range(2, 1000)]
    public int LowShareEvery { get; set; } = 5;
}
