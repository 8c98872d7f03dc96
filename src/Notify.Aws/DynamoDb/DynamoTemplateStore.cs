using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Notify.Core.Events;
using Notify.Core.Resources;
using Notify.Core.Templates;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// Templates keyed <c>TPL#{eventType}</c> / <c>{channel}#{locale}</c>: one query gives the worker every template of an
/// event type; the <c>TEMPLATES</c> listing of <c>gsi1</c> gives the API all of them in (eventType, channel, locale) order.
/// </summary>
public sealed class DynamoTemplateStore : ITemplateStore
{
    private readonly IAmazonDynamoDB _dynamo;
    private readonly string _table;

    public DynamoTemplateStore(IAmazonDynamoDB dynamo, ResourceNaming naming)
    {
        ArgumentNullException.ThrowIfNull(naming);
        _dynamo = dynamo ?? throw new ArgumentNullException(nameof(dynamo));
        _table = naming.Table(NotifyResources.MainTable);
    }

    public async Task<Template?> GetAsync(string eventType, Channel channel, string locale, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        ArgumentException.ThrowIfNullOrEmpty(locale);
        var response = await _dynamo.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = DynamoKeys.Of(DynamoKeys.Template(eventType), DynamoKeys.TemplateSk(channel, locale)), ConsistentRead = true },
            cancellationToken);
        return response.Item is { Count: > 0 } item ? ToTemplate(item) : null;
    }

    public async Task<IReadOnlyList<Template>> ListForEventTypeAsync(string eventType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        var items = await _dynamo.QueryAllAsync(
            new QueryRequest
            {
                TableName = _table,
                KeyConditionExpression = "#pk = :pk",
                ExpressionAttributeNames = new() { ["#pk"] = DynamoKeys.Pk },
                ExpressionAttributeValues = new() { [":pk"] = DynamoAttributes.S(DynamoKeys.Template(eventType)) },
            },
            limit: null,
            cancellationToken);
        return [.. items.Select(ToTemplate)];
    }

    public async Task<IReadOnlyList<Template>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await _dynamo.QueryAsync(_table, DynamoKeys.TemplatesListing, newestFirst: false, int.MaxValue, cancellationToken)).Select(ToTemplate)];

    /// <summary>Creates or replaces the template of its (eventType, channel, locale).</summary>
    public async Task PutAsync(Template template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        var channel = SnakeCase<Channel>.Name(template.Channel);
        var item = DynamoKeys.Of(DynamoKeys.Template(template.EventType), DynamoKeys.TemplateSk(template.Channel, template.Locale));
        item[DynamoKeys.Gsi1Pk] = DynamoAttributes.S(DynamoKeys.TemplatesListing);
        item[DynamoKeys.Gsi1Sk] = DynamoAttributes.S($"{template.EventType}#{channel}#{template.Locale}");
        item["eventType"] = DynamoAttributes.S(template.EventType);
        item["channel"] = DynamoAttributes.S(channel);
        item["locale"] = DynamoAttributes.S(template.Locale);
        item.SetIfPresent("subject", template.Subject);
        item.SetIfPresent("text", template.Text);
        item.SetIfPresent("html", template.Html);
        item.SetIfPresent("title", template.Title);
        item.SetIfPresent("body", template.Body);
        item["updatedAt"] = DynamoAttributes.Time(template.UpdatedAt);
        await _dynamo.PutItemAsync(new PutItemRequest { TableName = _table, Item = item }, cancellationToken);
    }

    /// <summary>True when there was a template to delete.</summary>
    public async Task<bool> DeleteAsync(string eventType, Channel channel, string locale, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        ArgumentException.ThrowIfNullOrEmpty(locale);
        var response = await _dynamo.DeleteItemAsync(
            new DeleteItemRequest
            {
                TableName = _table,
                Key = DynamoKeys.Of(DynamoKeys.Template(eventType), DynamoKeys.TemplateSk(channel, locale)),
                ReturnValues = ReturnValue.ALL_OLD,
            },
            cancellationToken);
        return response.Attributes is { Count: > 0 };
    }

    private static Template ToTemplate(Dictionary<string, AttributeValue> item) =>
        new(
            item.String("eventType"),
            SnakeCase<Channel>.Parse(item.String("channel")),
            item.String("locale"),
            item.OptionalString("subject"),
            item.OptionalString("text"),
            item.OptionalString("html"),
            item.OptionalString("title"),
            item.OptionalString("body"),
            item.TimeOf("updatedAt"));
}
