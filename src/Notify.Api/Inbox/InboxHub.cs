using Microsoft.AspNetCore.SignalR;

namespace Notify.Api.Inbox;

/// <summary>
/// <c>/hubs/inbox</c>: a connection authenticated with an inbox token joins its user's group and hears
/// <c>notification</c>, <c>read</c> and <c>unread</c> (the count, also sent once at connect). Clients call nothing; the
/// server only pushes. A user over the per-instance connection limit is closed at once with the reason.
/// </summary>
internal sealed class InboxHub(InboxConnections connections) : Hub
{
    private const string UserItem = "inbox-user";

    public static string GroupOf(string userId) => "inbox:" + userId;

    public override async Task OnConnectedAsync()
    {
        // The endpoint's policy admitted only an inbox token, so the claim is there.
        var userId = InboxPolicies.TokenUser(Context.User!) ?? throw new HubException("An inbox token is required.");
        if (!connections.TryOpen(userId, InboxConnections.SignalR))
        {
            throw new HubException($"This user already holds {connections.MaxPerUser} live inbox connections on this instance; close one first.");
        }

        // SignalR skips OnDisconnectedAsync when this method throws, so what it counted is released here on failure.
        try
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(userId), Context.ConnectionAborted);
        }
        catch
        {
            connections.Close(userId, InboxConnections.SignalR);
            throw;
        }

        Context.Items[UserItem] = userId;
        try
        {
            if (await connections.UnreadAsync(userId, Context.ConnectionAborted) is { } unread)
            {
                await Clients.Caller.SendAsync(unread.Event, unread.Payload, Context.ConnectionAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client left while connecting; returning normally lets SignalR run OnDisconnectedAsync, which releases the count.
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(UserItem, out var user) && user is string userId)
        {
            connections.Close(userId, InboxConnections.SignalR);
        }

        return Task.CompletedTask;
    }
}
