using Notify.Core.Events;

namespace Notify.Core.Templates;

/// <summary>
/// A template per event type × channel × locale. Email uses Subject, Text and Html; SMS uses Body; push uses Title and
/// Body; in-app uses Title and Body. Handlebars syntax; HTML is escaped in the email Html part only.
/// </summary>
public sealed record Template(
    string EventType,
    Channel Channel,
    string Locale,
    string? Subject,
    string? Text,
    string? Html,
    string? Title,
    string? Body,
    DateTimeOffset UpdatedAt);

public interface ITemplateStore
{
    Task<Template?> GetAsync(string eventType, Channel channel, string locale, CancellationToken cancellationToken);

    /// <summary>All templates of an event type (every channel and locale): one query, what the worker renders from.</summary>
    Task<IReadOnlyList<Template>> ListForEventTypeAsync(string eventType, CancellationToken cancellationToken);

    Task<IReadOnlyList<Template>> ListAsync(CancellationToken cancellationToken);

    Task PutAsync(Template template, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string eventType, Channel channel, string locale, CancellationToken cancellationToken);
}
