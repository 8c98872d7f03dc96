using System.Text;
using Amazon.DynamoDBv2.Model;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// Builds an update expression with a placeholder for every attribute name and value. DynamoDB reserves hundreds of
/// words (<c>status</c>, <c>ttl</c>, <c>name</c>, <c>keys</c>...), so names are never written into expressions bare.
/// </summary>
internal sealed class DynamoUpdate
{
    private readonly List<string> _set = [];
    private readonly List<string> _remove = [];
    private readonly List<string> _add = [];

    public Dictionary<string, string> Names { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, AttributeValue> Values { get; } = new(StringComparer.Ordinal);

    public DynamoUpdate Set(string attribute, AttributeValue value)
    {
        _set.Add($"{Name(attribute)} = {Value(value)}");
        return this;
    }

    public DynamoUpdate SetIfNotExists(string attribute, AttributeValue value)
    {
        var name = Name(attribute);
        _set.Add($"{name} = if_not_exists({name}, {Value(value)})");
        return this;
    }

    public DynamoUpdate Remove(string attribute)
    {
        _remove.Add(Name(attribute));
        return this;
    }

    public DynamoUpdate Add(string attribute, long delta)
    {
        _add.Add($"{Name(attribute)} {Value(DynamoAttributes.N(delta))}");
        return this;
    }

    /// <summary>A placeholder for an attribute name, for use in condition expressions of the same request.</summary>
    public string Name(string attribute)
    {
        var placeholder = "#" + attribute.Replace('#', '_');
        Names[placeholder] = attribute;
        return placeholder;
    }

    /// <summary>A placeholder for a value, for use in condition expressions of the same request.</summary>
    public string Value(AttributeValue value)
    {
        var placeholder = ":v" + Values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Values[placeholder] = value;
        return placeholder;
    }

    public string Expression
    {
        get
        {
            var text = new StringBuilder();
            Append(text, "SET", _set, ", ");
            Append(text, "REMOVE", _remove, ", ");
            Append(text, "ADD", _add, ", ");
            return text.ToString();
        }
    }

    public UpdateItemRequest ToRequest(string table, Dictionary<string, AttributeValue> key, string? condition = null) => new()
    {
        TableName = table,
        Key = key,
        UpdateExpression = Expression,
        ConditionExpression = condition,
        ExpressionAttributeNames = Names,
        ExpressionAttributeValues = Values.Count == 0 ? null : Values,
    };

    public Update ToTransactUpdate(string table, Dictionary<string, AttributeValue> key, string? condition = null) => new()
    {
        TableName = table,
        Key = key,
        UpdateExpression = Expression,
        ConditionExpression = condition,
        ExpressionAttributeNames = Names,
        ExpressionAttributeValues = Values.Count == 0 ? null : Values,
    };

    private static void Append(StringBuilder text, string clause, List<string> parts, string separator)
    {
        if (parts.Count == 0)
        {
            return;
        }

        if (text.Length > 0)
        {
            text.Append(' ');
        }

        text.Append(clause).Append(' ').AppendJoin(separator, parts);
    }
}
