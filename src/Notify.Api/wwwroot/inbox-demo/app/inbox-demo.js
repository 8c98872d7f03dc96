// The live inbox demo: one user's in-app notifications and unread badge, kept current by the SignalR hub. The page holds
// no API key, only an inbox token (from the URL fragment, which never reaches a server log, or pasted into the form).
"use strict";

(() => {
  const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
  const items = new Map(); // notification id -> <li>
  let user = null;
  let token = null;
  let newest = null; // createdAt / at of the newest item held, for `since` after a reconnect

  function setStatus(state, text) {
    const status = $("status");
    status.dataset.state = state;
    status.textContent = text;
  }

  function setUnread(count) {
    const badge = $("unread-badge");
    badge.dataset.count = String(count);
    badge.textContent = String(count);
    document.title = count > 0 ? `(${count}) Notify inbox` : "Notify inbox";
  }

  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (response.status === 401) {
      setStatus("expired", "token expired or invalid: mint a new one");
      throw new Error("unauthorized");
    }
    if (!response.ok && response.status !== 204) {
      throw new Error(`${method} ${path}: ${response.status}`);
    }
    return response.status === 204 ? null : response.json();
  }

  function remember(at) {
    if (at && (!newest || at > newest)) {
      newest = at;
    }
  }

  // One <li> per notification id: a push of an item already listed (a repeat, or a reconnect's catch-up) changes nothing.
  function show(item, fresh) {
    if (items.has(item.id)) {
      return;
    }
    const li = document.createElement("li");
    li.dataset.testid = "inbox-item";
    li.dataset.notificationId = item.id;
    li.dataset.read = String(item.read);
    const text = document.createElement("div");
    text.className = "text";
    const title = document.createElement("span");
    title.className = "title";
    title.dataset.testid = "item-title";
    title.textContent = item.title || item.eventType;
    const body = document.createElement("span");
    body.className = "body";
    body.dataset.testid = "item-body";
    body.textContent = item.body || "";
    const time = document.createElement("time");
    time.dateTime = item.at;
    time.textContent = new Date(item.at).toLocaleString();
    text.append(title, body, time);
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.testid = "mark-read";
    button.textContent = "Mark read";
    button.disabled = item.read;
    button.addEventListener("click", () => markRead(item.id, button));
    li.append(text, button);
    if (fresh) {
      li.classList.add("fresh");
    }
    // Newest first, by time.
    const list = $("inbox-list");
    const after = [...list.children].find((other) => other.querySelector("time").dateTime < item.at);
    list.insertBefore(li, after ?? null);
    items.set(item.id, li);
    $("empty").hidden = true;
    remember(item.at);
  }

  function markShownRead(id) {
    const li = items.get(id);
    if (li) {
      li.dataset.read = "true";
      li.querySelector("button").disabled = true;
    }
  }

  async function markRead(id, button) {
    button.disabled = true;
    try {
      await api("PATCH", `/api/users/${encodeURIComponent(user)}/notifications/${encodeURIComponent(id)}`, { read: true });
      markShownRead(id); // the hub's `read` confirms it, here and in every other tab
    } catch (e) {
      button.disabled = false;
      console.error(e);
    }
  }

  // The listing is the source of truth: first everything recent, after a reconnect what arrived since the newest item held.
  async function load(since) {
    const query = new URLSearchParams({ channel: "in_app", limit: "50" });
    if (since) {
      query.set("since", since);
    }
    const page = await api("GET", `/api/users/${encodeURIComponent(user)}/notifications?${query}`);
    for (const n of page.items) {
      show({ id: n.id, eventType: n.eventType, title: n.content?.title, body: n.content?.body, at: n.createdAt, read: n.read }, false);
    }
    setUnread(page.unreadCount);
  }

  async function start() {
    $("inbox-user").textContent = user;
    $("inbox").hidden = false;
    setStatus("connecting", "connecting…");
    const expires = expiryOf(token);
    if (expires) {
      $("expires").textContent = `token valid until ${expires.toLocaleTimeString()}`;
    }

    try {
      await load(null);
    } catch (e) {
      console.error(e);
      return;
    }

    const connection = new signalR.HubConnectionBuilder()
      .withUrl(`/hubs/inbox?userId=${encodeURIComponent(user)}`, { accessTokenFactory: () => token })
      .withAutomaticReconnect()
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    connection.on("notification", (n) => {
      show({ id: n.notificationId, eventType: n.eventType, title: n.title, body: n.body, at: n.at, read: false }, true);
    });
    connection.on("read", (r) => markShownRead(r.notificationId));
    connection.on("unread", (u) => setUnread(u.count));
    connection.onreconnecting(() => setStatus("reconnecting", "reconnecting…"));
    connection.onreconnected(async () => {
      setStatus("live", "live");
      // Pushes are best effort: what was delivered while away comes from the listing.
      try {
        await load(newest);
      } catch (e) {
        console.error(e);
      }
    });
    connection.onclose(() => {
      const expired = expires && expires <= new Date();
      setStatus(expired ? "expired" : "error", expired ? "token expired: mint a new one" : "disconnected");
    });
    try {
      await connection.start();
      setStatus("live", "live");
    } catch (e) {
      setStatus("error", "could not connect (token refused?)");
      console.error(e);
    }
  }

  // The token's payload is readable (it is signed, not encrypted): its expiry, for the page to show.
  function expiryOf(value) {
    try {
      const payload = value.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return new Date(JSON.parse(atob(payload)).exp * 1000);
    } catch {
      return null;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const fragment = new URLSearchParams(location.hash.slice(1));
    user = fragment.get("user");
    token = fragment.get("token");
    if (user && token) {
      start();
      return;
    }
    const form = $("token-form");
    form.hidden = false;
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      user = form.elements.user.value.trim();
      token = form.elements.token.value.trim();
      location.hash = new URLSearchParams({ user, token }).toString();
      form.hidden = true;
      start();
    });
  });
})();
