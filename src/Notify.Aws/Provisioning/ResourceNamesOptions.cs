using System.ComponentModel.DataAnnotations;
using Notify.Core.Resources;

namespace Notify.Aws.Provisioning;

/// <summary>
/// Physical names of resources someone else named (section <c>Notify:Resources</c>, logical name → physical name): on AWS
/// CloudFormation generates them and the CDK app passes them in, e.g. <c>Notify__Resources__high=notify-prod-HighLane1A2B.fifo</c>.
/// A resource not listed keeps <c>{Notify:Provisioning:Prefix}-{logical}</c>.
/// </summary>
public sealed class ResourceNamesOptions : IValidatableObject
{
    public const string SectionName = "Notify:Resources";

    public Dictionary<string, string> Names { get; } = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        ResourceNaming.Validate(Names).Select(problem => new ValidationResult($"{SectionName}: {problem}", [nameof(Names)]));
}
