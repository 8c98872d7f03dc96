// Notify's dashboard: plain DOM over the JSON of /dashboard/api (same answers as /api, behind the session cookie).
// No build step, no framework; Chart.js (vendored) draws the deliveries chart. Every value from the server goes into
// the page as text (textContent, attributes), never as markup: events carry user-controlled strings.
'use strict';

(() => {
  const API = '/dashboard/api';
  // Proves the call comes from this page: a cross-site page cannot send a custom header without a CORS preflight,
  // which Notify never grants (see SameOriginFilter).
  const DASHBOARD_HEADER = { 'X-Notify-Dashboard': '1' };

  const $ = selector => document.querySelector(selector);

  class HttpError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function call(path, init = {}) {
    const response = await fetch(API + path, {
      ...init,
      credentials: 'same-origin',
      headers: { ...DASHBOARD_HEADER, ...(init.headers || {}) },
    });
    if (response.status === 401) {
      location.assign('/dashboard/login');
      throw new HttpError(401, 'The session ended.');
    }
    if (!response.ok) {
      let message = `HTTP ${response.status}`;
      try {
        const problem = await response.json();
        message = problem.detail || problem.title || message;
      } catch {
        // Not problem details: keep the status.
      }
      throw new HttpError(response.status, message);
    }
    return response.status === 204 ? null : response.json();
  }

  const get = path => call(path);
  const send = (method, path, body) => call(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  /** Creates an element; attributes are set as attributes (data-*, aria-*), `on*` as listeners, children as text or nodes. */
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (name.startsWith('on') && typeof value === 'function') {
        element.addEventListener(name.slice(2), value);
      } else {
        element.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined && child !== false) {
        element.append(child instanceof Node ? child : String(child));
      }
    }
    return element;
  }

  const pad = n => String(n).padStart(2, '0');

  function time(iso) {
    if (!iso) {
      return '—';
    }
    const date = new Date(iso);
    const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
    return date.toDateString() === new Date().toDateString() ? clock : `${date.toLocaleDateString()} ${clock}`;
  }

  const stamp = iso => h('time', { datetime: iso, title: iso }, time(iso));

  function badge(status, label) {
    const kind = String(status).replace(/[^a-z_]/g, '');
    return h('span', { class: `badge s-${kind}`, 'data-status': status }, label ? `${label}: ${status}` : status);
  }

  /** A definition list of [term, value] pairs, skipping empty values. */
  function facts(pairs) {
    return h('dl', { class: 'facts' }, pairs
      .filter(([, value]) => value !== null && value !== undefined && value !== '')
      .map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
  }

  /** An action's outcome in a status line; the refresh loop leaves it there (see `every`). */
  function say(selector, text) {
    const status = $(selector);
    status.textContent = text;
    status.dataset.refreshError = 'false';
  }

  function emptyRow(columns, text) {
    return h('tr', { class: 'empty' }, h('td', { colspan: columns }, text));
  }

  // ---- lanes -------------------------------------------------------------------------------------------------------

  async function refreshLanes() {
    const data = await get('/lanes');
    for (const queue of data.queues) {
      const row = document.querySelector(`#lanes tr[data-queue="${CSS.escape(queue.name)}"]`);
      if (!row) {
        continue;
      }
      for (const field of ['visible', 'inFlight', 'delayed']) {
        row.querySelector(`[data-field="${field}"]`).textContent = String(queue[field]);
      }
      row.classList.toggle('alert', row.classList.contains('dlq') && queue.visible + queue.inFlight + queue.delayed > 0);
    }
    $('#refreshed').textContent = `updated ${time(new Date().toISOString())}`;
  }

  // ---- deliveries chart --------------------------------------------------------------------------------------------

  const OUTCOME_COLORS = {
    sent: '#2e7d32',
    delivered: '#1b5e20',
    failed: '#c62828',
    bounced: '#ef6c00',
    complained: '#8e24aa',
    suppressed: '#546e7a',
    skipped: '#90a4ae',
    unknown: '#6d4c41',
    deferred: '#f9a825',
  };
  const CHANNEL_ALPHA = { email: 1, sms: 0.8, push: 0.62, in_app: 0.45 };
  const CHANNEL_ORDER = ['email', 'sms', 'push', 'in_app'];
  let chart = null;

  function color(outcome, channel) {
    let hex = OUTCOME_COLORS[outcome];
    if (!hex) {
      let hash = 0;
      for (const c of outcome) {
        hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
      }
      hex = `#${(hash & 0xffffff).toString(16).padStart(6, '0')}`;
    }
    const [r, g, b] = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${CHANNEL_ALPHA[channel] ?? 0.7})`;
  }

  function showNoChart(text) {
    $('#deliveries .chart-box').hidden = true;
    const empty = $('#deliveries-empty');
    empty.textContent = text;
    empty.hidden = false;
    if (chart) {
      chart.destroy();
      chart = null;
    }
  }

  async function refreshDeliveries() {
    let data;
    try {
      data = await get('/stats/deliveries?minutes=15');
    } catch (error) {
      if (error.status === 401) {
        throw error;
      }
      showNoChart(error.status === 404 ? 'no data' : `no data (${error.message})`);
      return;
    }
    if (!data || !Array.isArray(data.minutes) || typeof window.Chart !== 'function') {
      showNoChart('no data');
      return;
    }

    const labels = data.minutes.map(m => {
      const d = new Date(m.minute);
      return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    });
    const series = new Map();
    data.minutes.forEach((minute, index) => {
      for (const [channel, outcomes] of Object.entries(minute.counts || {})) {
        for (const [outcome, count] of Object.entries(outcomes || {})) {
          const key = `${channel}\u0000${outcome}`;
          if (!series.has(key)) {
            series.set(key, { channel, outcome, data: new Array(labels.length).fill(0) });
          }
          series.get(key).data[index] = count;
        }
      }
    });
    const rank = channel => (CHANNEL_ORDER.indexOf(channel) + 1) || CHANNEL_ORDER.length + 1;
    const datasets = [...series.values()]
      .sort((a, b) => rank(a.channel) - rank(b.channel) || a.channel.localeCompare(b.channel) || a.outcome.localeCompare(b.outcome))
      .map(s => ({
        label: `${s.channel} · ${s.outcome}`,
        data: s.data,
        stack: s.channel,
        backgroundColor: color(s.outcome, s.channel),
        borderWidth: 0,
      }));
    const total = datasets.reduce((sum, d) => sum + d.data.reduce((a, b) => a + b, 0), 0);

    $('#deliveries .chart-box').hidden = false;
    const empty = $('#deliveries-empty');
    empty.hidden = total > 0;
    empty.textContent = total > 0 ? '' : 'no deliveries in the last 15 minutes';

    if (chart) {
      chart.data.labels = labels;
      chart.data.datasets = datasets;
      chart.update('none');
      return;
    }
    chart = new window.Chart($('#deliveries-chart'), {
      type: 'bar',
      data: { labels, datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true, grid: { display: false } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'per minute' } },
        },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      },
    });
  }

  // ---- recent events and the detail view ---------------------------------------------------------------------------

  let selectedEvent = null;
  let renderedSignature = null;

  const signatureOf = e => JSON.stringify([e.status, e.updatedAt, e.notifications.map(n => [n.channel, n.status, n.attempts])]);

  async function refreshEvents() {
    const data = await get('/events?limit=50');
    const body = $('#events-body');
    body.replaceChildren(...(data.items.length === 0
      ? [emptyRow(7, 'No event accepted in this hour or the last.')]
      : data.items.map(e => h('tr', {
        'data-testid': 'event-row',
        'data-event-id': e.eventId,
        'data-status': e.status,
        class: e.eventId === selectedEvent ? 'selected' : null,
        tabindex: 0,
        onclick: () => openEvent(e.eventId),
        onkeydown: event => {
          if (event.key === 'Enter') {
            openEvent(e.eventId);
          }
        },
      },
      h('td', {}, stamp(e.acceptedAt)),
      h('td', { class: 'mono' }, e.eventId),
      h('td', {}, e.eventType),
      h('td', {}, e.userId),
      h('td', {}, e.priority),
      h('td', {}, badge(e.status)),
      h('td', { class: 'channels' }, e.notifications.map(n => badge(n.status, n.channel)))))));

    const selected = data.items.find(e => e.eventId === selectedEvent);
    if (selected && signatureOf(selected) !== renderedSignature) {
      await loadEventDetail(selectedEvent);
    }
  }

  async function openEvent(eventId) {
    selectedEvent = eventId;
    for (const row of document.querySelectorAll('#events-body tr')) {
      row.classList.toggle('selected', row.dataset.eventId === eventId);
    }
    await loadEventDetail(eventId).catch(error => showDetailError(error));
  }

  function closeDetail() {
    selectedEvent = null;
    renderedSignature = null;
    $('#event-detail').hidden = true;
    for (const row of document.querySelectorAll('#events-body tr.selected')) {
      row.classList.remove('selected');
    }
  }

  function showDetailError(error) {
    const panel = $('#event-detail');
    panel.replaceChildren(h('p', { class: 'error' }, `Could not load the event: ${error.message}`));
    panel.hidden = false;
  }

  async function loadEventDetail(eventId) {
    const e = await get(`/events/${encodeURIComponent(eventId)}`);
    if (selectedEvent !== eventId) {
      return;
    }
    renderedSignature = signatureOf(e);
    const recipient = e.recipient ? [e.recipient.email, e.recipient.phone].filter(Boolean).join(', ') : null;
    const panel = $('#event-detail');
    panel.replaceChildren(
      h('div', { class: 'detail-head' },
        h('h3', { class: 'mono' }, e.eventId),
        h('button', { type: 'button', class: 'close', 'aria-label': 'Close the detail', onclick: closeDetail }, '×')),
      facts([
        ['status', badge(e.status)],
        ['type', e.eventType],
        ['user', e.userId],
        ['lane', e.priority],
        ['mode', e.mode],
        ['accepted', stamp(e.acceptedAt)],
        ['updated', stamp(e.updatedAt)],
        ['send at', e.sendAt ? stamp(e.sendAt) : null],
        ['not after', e.notAfter ? stamp(e.notAfter) : null],
        ['channels asked', e.channels ? e.channels.join(', ') : 'every channel the preferences allow'],
        ['recipient', recipient],
        ['trace id', e.traceId ? h('code', { 'data-testid': 'trace-id' }, e.traceId) : '—'],
      ]),
      h('h4', {}, 'Channels'),
      h('div', { class: 'channel-list' }, e.notifications.length === 0
        ? h('p', { class: 'muted' }, 'No channel processed yet.')
        : e.notifications.map(n => channelView(n))),
      h('details', {}, h('summary', {}, 'payload'), h('pre', {}, JSON.stringify(e.payload, null, 2))));
    panel.hidden = false;
  }

  function channelView(n) {
    const transitions = Object.entries(n.transitions || {})
      .sort(([, a], [, b]) => a.localeCompare(b))
      .map(([status, at]) => h('li', {}, badge(status), ' ', stamp(at)));
    return h('article', { class: 'channel', 'data-testid': 'event-channel', 'data-channel': n.channel },
      h('h5', {}, n.channel, ' ', badge(n.status), n.simulated ? h('span', { class: 'badge' }, 'simulated') : null),
      facts([
        ['attempts', String(n.attempts)],
        ['last error', n.lastError ? h('span', { class: 'error', 'data-testid': 'last-error' }, n.lastError) : null],
        ['reason', n.reason],
        ['transitions', transitions.length ? h('ol', { class: 'transitions' }, transitions) : null],
      ]),
      n.content ? contentView(n.content) : h('p', { class: 'muted' }, 'No rendered content stored.'));
  }

  function contentView(c) {
    const parts = [
      ['subject', c.subject],
      ['title', c.title],
      ['body', c.body ? h('pre', {}, c.body) : null],
      ['text', c.text ? h('pre', {}, c.text) : null],
    ];
    return h('div', { class: 'content', 'data-testid': 'event-content' },
      facts(parts),
      c.html
        ? h('details', {},
          h('summary', {}, 'HTML'),
          // No scripts, no same-origin access, and the page's CSP (inherited by srcdoc) keeps remote images out.
          h('iframe', { sandbox: '', srcdoc: c.html, title: 'Rendered email', class: 'email-preview', referrerpolicy: 'no-referrer' }),
          h('pre', {}, c.html))
        : null);
  }

  // ---- dead letters ------------------------------------------------------------------------------------------------

  async function refreshDeadLetters() {
    const data = await get('/dead-letters?limit=100');
    $('#dead-letters-body').replaceChildren(...(data.items.length === 0
      ? [emptyRow(8, 'No dead letters.')]
      : data.items.map(d => h('tr', { 'data-testid': 'dead-letter-row', 'data-id': d.id, 'data-event-id': d.eventId },
        h('td', {}, stamp(d.deadLetteredAt)),
        h('td', { class: 'mono' }, d.id),
        h('td', { class: 'mono' }, d.eventId),
        h('td', {}, d.lane),
        h('td', {}, d.eventType || '—'),
        h('td', {}, String(d.receiveCount)),
        h('td', {}, h('ul', { class: 'errors' }, Object.entries(d.lastErrors || {}).map(([channel, error]) => h('li', {}, `${channel}: ${error}`)))),
        h('td', {}, h('button', { type: 'button', 'data-testid': 'redrive-one', onclick: () => redrive([d.id]) }, 'Redrive'))))));
    $('#redrive-all').disabled = data.items.length === 0;
  }

  async function redrive(ids) {
    const buttons = document.querySelectorAll('#dead-letters button');
    buttons.forEach(b => { b.disabled = true; });
    say('#dead-letters-status', 'Redriving…');
    try {
      const result = await send('POST', '/dead-letters/redrive', ids ? { ids } : {});
      const problems = result.results.filter(r => r.outcome !== 'redriven');
      say('#dead-letters-status', `${result.redriven} redriven` + (problems.length
        ? `; ${problems.map(r => `${r.id}: ${r.outcome}${r.detail ? ` (${r.detail})` : ''}`).join('; ')}`
        : ''));
    } catch (error) {
      say('#dead-letters-status', `Redrive failed: ${error.message}`);
    } finally {
      await Promise.allSettled([refreshDeadLetters(), refreshLanes()]);
    }
  }

  // ---- suppression list and API keys -------------------------------------------------------------------------------

  async function refreshSuppressions() {
    const data = await get('/suppressions?limit=200');
    $('#suppressions-body').replaceChildren(...(data.items.length === 0
      ? [emptyRow(4, 'No suppressed address.')]
      : data.items.map(s => h('tr', { 'data-testid': 'suppression-row' },
        h('td', {}, stamp(s.createdAt)),
        h('td', {}, s.channel),
        h('td', { class: 'mono' }, s.address),
        h('td', {}, s.reason)))));
  }

  async function refreshKeys() {
    const data = await get('/keys');
    $('#keys-body').replaceChildren(...(data.items.length === 0
      ? [emptyRow(6, 'No API key yet (only the bootstrap key).')]
      : data.items.map(k => h('tr', { 'data-testid': 'key-row', 'data-id': k.id, class: k.revoked ? 'revoked' : null },
        h('td', { class: 'mono' }, k.id),
        h('td', {}, k.name),
        h('td', {}, k.scopes.join(', ')),
        h('td', {}, k.mode),
        h('td', {}, stamp(k.createdAt)),
        h('td', {}, k.revoked ? h('span', { class: 'muted' }, 'revoked ', stamp(k.revokedAt)) : revokeButton(k))))));
  }

  /** Revoking asks twice (a second click within a few seconds), without a modal dialog. */
  function revokeButton(key) {
    const button = h('button', { type: 'button', class: 'danger', 'data-testid': 'revoke-key' }, 'Revoke');
    button.addEventListener('click', async () => {
      if (button.dataset.armed !== 'true') {
        button.dataset.armed = 'true';
        button.textContent = 'Click again to revoke';
        setTimeout(() => {
          button.dataset.armed = 'false';
          button.textContent = 'Revoke';
        }, 4000);
        return;
      }
      button.disabled = true;
      try {
        await send('DELETE', `/keys/${encodeURIComponent(key.id)}`);
        say('#keys-status', `Key ${key.id} revoked.`);
      } catch (error) {
        say('#keys-status', `Could not revoke ${key.id}: ${error.message}`);
      }
      await refreshKeys();
    });
    return button;
  }

  // ---- refresh loop ------------------------------------------------------------------------------------------------

  const sections = [];

  /** Runs `task` now and every `ms` while the page is visible; a failure shows in the section's status line. */
  function every(ms, statusSelector, task) {
    let timer = null;
    const run = async () => {
      clearTimeout(timer);
      if (!document.hidden) {
        const status = statusSelector ? $(statusSelector) : null;
        try {
          await task();
          // Clears only its own message: an action's outcome (redrive, revoke) in the same line stays.
          if (status && status.dataset.refreshError === 'true') {
            status.textContent = '';
            status.dataset.refreshError = 'false';
          }
        } catch (error) {
          if (status && error.status !== 401) {
            status.textContent = `Could not refresh: ${error.message}`;
            status.dataset.refreshError = 'true';
          }
        }
      }
      timer = setTimeout(run, ms);
    };
    sections.push(run);
    run();
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) {
      sections.forEach(run => run());
    }
  });

  $('#redrive-all').addEventListener('click', () => redrive(null));
  $('#logout').addEventListener('click', async () => {
    await fetch('/dashboard/logout', { method: 'POST', credentials: 'same-origin', headers: DASHBOARD_HEADER }).catch(() => null);
    location.assign('/dashboard/login');
  });

  every(3000, '#lanes-status', refreshLanes);
  every(10000, null, refreshDeliveries);
  every(5000, '#events-status', refreshEvents);
  every(5000, '#dead-letters-status', refreshDeadLetters);
  every(30000, '#suppressions-status', refreshSuppressions);
  every(30000, '#keys-status', refreshKeys);
})();
