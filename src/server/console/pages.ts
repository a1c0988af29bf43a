// The console's pages: plain functions from data to Html (html.ts escapes every value). No
// script: links, GET forms for filters and search, POST forms (with the session's CSRF token) for
// replay, sign-in and sign-out; a page whose delivery is on its way refreshes itself.
import type { Trace, TraceEvent } from '../../app/trace.ts';
import type { DeliveryWithAttempts, StoredDelivery } from '../../delivery/outbox.ts';
import type { AttemptRecord } from '../../storage/deliveries.ts';
import type { Role } from '../tokens.ts';
import { href, html, type Html } from './html.ts';
import type { LaneView } from './lanes.ts';

/** Who is looking, and what they may do. */
export interface Viewer {
  role: Role;
  csrf: string;
  /** on: may replay; off: no operator token configured; admin: configured, but this session is the admin's. */
  replay: 'on' | 'off' | 'admin';
}

export type FeedFilter = { order?: string; email?: string; status?: string; esp?: string; since?: string; until?: string };

const time = (t: number | null | undefined) => (t === null || t === undefined ? '–' : new Date(t).toISOString().replace('.000Z', 'Z').replace('T', ' '));
const statusBadge = (s: string | null) => html`<span class="badge s-${s ?? 'none'}">${s === 'retry_scheduled' ? 'retrying' : (s ?? '–')}</span>`;
const csrfField = (v: Viewer) => html`<input type="hidden" name="csrf" value="${v.csrf}">`;

export function layout(title: string, body: Html, v: Viewer | null, opts: { refreshSec?: number } = {}): Html {
  const nav = v
    ? html`<nav>
  <a class="brand" href="/console/deliveries">esp-bridge</a>
  <a href="/console/deliveries">Activity</a>
  <a href="/console/lanes">Lanes</a>
  <form class="search" method="get" action="/console/trace" role="search">
    <input name="q" placeholder="order number or email" aria-label="trace an order or email" required>
    <button type="submit">Trace</button>
  </form>
  <span class="who">signed in with the ${v.role} token</span>
  <form method="post" action="/console/logout">${csrfField(v)}<button type="submit" class="link">Sign out</button></form>
</nav>`
    : html`<nav><span class="brand">esp-bridge</span></nav>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${opts.refreshSec ? html`<meta http-equiv="refresh" content="${opts.refreshSec}">` : null}
<title>${title} · esp-bridge console</title>
<link rel="stylesheet" href="/console/assets/console.css">
</head>
<body>
${nav}
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

export function loginPage(opts: { next: string; error?: string }): Html {
  return layout(
    'Sign in',
    html`<form class="card login" method="post" action="/console/login">
  ${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : null}
  <p>Sign in with the admin token (read only) or the operator token (read and replay).</p>
  <label>Token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
  <input type="hidden" name="next" value="${opts.next}">
  <button type="submit">Sign in</button>
</form>`,
    null,
  );
}

export function errorPage(v: Viewer | null, title: string, problems: string[]): Html {
  return layout(title, html`<div class="card error" role="alert"><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>`, v);
}

const ESP_STATUSES = ['pending', 'in_flight', 'retry_scheduled', 'delivered', 'dead'];

function filterForm(f: FeedFilter, esps: readonly string[]): Html {
  const option = (value: string, current: string | undefined, label = value) => html`<option value="${value}"${value === (current ?? '') ? html` selected` : null}>${label}</option>`;
  return html`<form class="filters" method="get" action="/console/deliveries">
  <label>Order <input name="order" value="${f.order ?? ''}" inputmode="numeric" size="10"></label>
  <label>Email <input name="email" value="${f.email ?? ''}" size="22"></label>
  <label>Status <select name="status">${option('', f.status, 'any')}${ESP_STATUSES.map((s) => option(s, f.status, s === 'retry_scheduled' ? 'retrying' : s))}</select></label>
  <label>ESP <select name="esp">${option('', f.esp, 'any')}${esps.map((e) => option(e, f.esp))}</select></label>
  <label>Since <input name="since" value="${f.since ?? ''}" placeholder="2026-12-03T08:00Z" size="18"></label>
  <label>Until <input name="until" value="${f.until ?? ''}" placeholder="2026-12-03T18:00Z" size="18"></label>
  <button type="submit">Filter</button>
  <a href="/console/deliveries">clear</a>
</form>`;
}

function deliveryRows(rows: readonly Omit<StoredDelivery, 'request'>[]): Html {
  return html`<table class="rows">
<thead><tr><th>Created</th><th>Order</th><th>Email</th><th>To</th><th>ESP / plugin</th><th>Status</th><th>Tries</th><th>Last error</th></tr></thead>
<tbody>${rows.map(
    (d) => html`<tr>
  <td class="time"><a href="${href(`/console/deliveries/${encodeURIComponent(d.id)}`)}">${time(d.createdAt)}</a></td>
  <td>${d.orderNumber ? html`<a href="${href('/console/trace', { order: d.orderNumber })}">${d.orderNumber}</a>` : '–'}</td>
  <td>${d.emailType}</td>
  <td><a href="${href('/console/trace', { email: d.to })}">${d.to}</a> <small>(${d.recipient})</small></td>
  <td>${d.esp} / ${d.plugin}</td>
  <td>${statusBadge(d.status)}</td>
  <td>${d.attempts}</td>
  <td class="err">${d.lastError ? d.lastError.slice(0, 120) : ''}</td>
</tr>`,
  )}</tbody>
</table>`;
}

export function feedPage(
  v: Viewer,
  data: { filter: FeedFilter; esps: readonly string[]; rows: Omit<StoredDelivery, 'request'>[]; total: number; page: number; pageSize: number; problems?: string[]; replayed?: number; deadMatching?: number },
): Html {
  const { filter, rows, total, page, pageSize } = data;
  // A page past the end (the rows moved on) shows 0–0 of M and a way back.
  const first = rows.length === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = rows.length === 0 ? 0 : (page - 1) * pageSize + rows.length;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const pageLink = (p: number, label: string) => html`<a href="${href('/console/deliveries', { ...filter, page: p })}">${label}</a>`;
  const bulk =
    data.deadMatching && data.deadMatching > 0
      ? v.replay === 'on'
        ? html`<a class="button" href="${href('/console/replay', { ...filter, status: undefined })}">Replay ${data.deadMatching} dead letter(s) matching these filters…</a>`
        : html`<span class="muted">${data.deadMatching} dead letter(s) match; ${v.replay === 'off' ? 'replay is off (no operator token is configured)' : 'sign in with the operator token to replay them'}</span>`
      : null;
  return layout(
    'Activity',
    html`${filterForm(filter, data.esps)}
${data.problems?.length ? html`<div class="card error" role="alert"><ul>${data.problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : null}
${data.replayed !== undefined ? html`<p class="notice" role="status">${data.replayed} dead letter(s) queued again.</p>` : null}
<p class="count"><strong>${first}–${last} of ${total}</strong> deliveries${total > pageSize ? html` · page ${page} of ${pages}` : null} ${bulk}</p>
${rows.length ? deliveryRows(rows) : html`<p class="muted">No delivery matches.</p>`}
<p class="pager">${page > pages ? pageLink(1, '← first page') : page > 1 ? pageLink(page - 1, '← newer') : null} ${page < pages ? pageLink(page + 1, 'older →') : null}</p>`,
    v,
  );
}

function attemptsTable(attempts: readonly AttemptRecord[]): Html {
  if (attempts.length === 0) return html`<p class="muted">Not tried yet.</p>`;
  return html`<table class="rows attempts">
<thead><tr><th>#</th><th>Started</th><th>Outcome</th><th>HTTP</th><th>Took</th><th>The ESP's answer</th></tr></thead>
<tbody>${attempts.map(
    // A replay starts the count again: the log is numbered in order, and the first try of each run marked.
    (a, i) => html`<tr><td>${i + 1}</td><td class="time">${time(a.startedAt)}${a.attempt === 1 && i > 0 ? html` <small class="badge">after replay</small>` : null}</td><td>${statusBadge(a.outcome === 'delivered' ? 'delivered' : a.outcome)}</td><td>${a.status ?? '–'}</td><td>${a.durationMs} ms</td><td class="err">${a.error ?? (a.outcome === 'delivered' ? 'accepted' : '')}</td></tr>`,
  )}</tbody>
</table>`;
}

function replayBox(v: Viewer, d: StoredDelivery): Html {
  if (v.replay === 'off') return html`<p class="muted">Replay is off: no operator token is configured (server.operatorToken).</p>`;
  if (v.replay === 'admin') return html`<p class="muted">To replay, sign in with the operator token.</p>`;
  if (d.status === 'in_flight') return html`<p class="muted">Being sent now; replay once the attempt has finished.</p>`;
  const label = d.status === 'delivered' ? 'Replay (already delivered)…' : 'Replay';
  return html`<form method="post" action="${href(`/console/deliveries/${encodeURIComponent(d.id)}/replay`)}">${csrfField(v)}<button type="submit" class="${d.status === 'delivered' ? 'warn' : 'primary'}">${label}</button></form>`;
}

export function deliveryPage(v: Viewer, d: DeliveryWithAttempts, opts: { replayed?: boolean } = {}): Html {
  const on = d.status === 'pending' || d.status === 'in_flight' || d.status === 'retry_scheduled';
  const notice = !opts.replayed ? null : on ? 'Queued again. This page refreshes until the attempt is recorded.' : `Replayed: now ${d.status === 'retry_scheduled' ? 'retrying' : d.status}.`;
  const fields: [string, unknown][] = [
    ['Status', statusBadge(d.status)],
    ['Order', d.orderNumber ? html`<a href="${href('/console/trace', { order: d.orderNumber })}">${d.orderNumber}</a>` : '–'],
    ['Object', d.object ?? '–'],
    ['Email', d.emailType],
    ['Recipient', html`${d.recipient}: <a href="${href('/console/trace', { email: d.to })}">${d.to}</a>`],
    ['ESP / plugin', `${d.esp} / ${d.plugin} (lane ${d.lane})`],
    ['Event', d.eventId],
    ['Created', time(d.createdAt)],
    ['Updated', time(d.updatedAt)],
    ['Delivered', time(d.deliveredAt)],
    ['Attempts', d.attempts],
    ['Next attempt', on ? time(d.nextAttemptAt) : '–'],
    ['Last HTTP status', d.lastStatus ?? '–'],
    ['Last error', d.lastError ?? '–'],
  ];
  const r = d.request;
  return layout(
    `Delivery ${d.id}`,
    html`${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
<div class="grid">
<section class="card"><h2>Summary</h2><dl>${fields.map(([k, val]) => html`<dt>${k}</dt><dd>${val}</dd>`)}</dl>
<h3>Replay</h3>${replayBox(v, d)}</section>
<section class="card"><h2>Attempts</h2>${attemptsTable(d.attemptLog)}</section>
</div>
<section class="card"><h2>Request <small>(as stored: secrets redacted)</small></h2>
<p><code>${r.method} ${r.url}</code></p>
<pre class="headers">${Object.entries(r.headers ?? {}).map(([k, val]) => `${k}: ${val}\n`)}</pre>
<pre class="body">${typeof r.body === 'string' ? r.body : JSON.stringify(r.body, null, 2)}</pre>
</section>`,
    v,
    { refreshSec: on ? 2 : undefined },
  );
}

export function confirmReplayPage(v: Viewer, d: StoredDelivery): Html {
  return layout(
    'Replay a delivered email?',
    html`<div class="card warning" role="alert">
<p><strong>This email was already delivered</strong>${d.deliveredAt ? html` at ${time(d.deliveredAt)}` : null}: ${d.emailType} to ${d.to} via ${d.esp} / ${d.plugin}.</p>
<p>Replaying it sends it to the recipient a second time.</p>
<form method="post" action="${href(`/console/deliveries/${encodeURIComponent(d.id)}/replay`)}">${csrfField(v)}<input type="hidden" name="force" value="1">
<button type="submit" class="warn">Yes, send it again</button>
<a href="${href(`/console/deliveries/${encodeURIComponent(d.id)}`)}">Cancel</a></form>
</div>`,
    v,
  );
}

export function bulkReplayPage(v: Viewer, data: { filter: FeedFilter; matched: number; problem?: string }): Html {
  const { filter, matched } = data;
  const described = Object.entries(filter).filter(([k, val]) => val && k !== 'status');
  return layout(
    'Replay dead letters',
    html`<div class="card">
${data.problem ? html`<p class="error" role="alert">${data.problem}</p>` : null}
<p>Filters: ${described.length ? described.map(([k, val]) => html`<code>${k}=${val}</code> `) : html`<em>none (every dead letter)</em>`}</p>
<p class="count"><strong>${matched}</strong> dead letter(s) match. Delivered and pending rows are never replayed in bulk.</p>
${
  matched > 0
    ? html`<form method="post" action="/console/replay">${csrfField(v)}
${described.map(([k, val]) => html`<input type="hidden" name="${k}" value="${val}">`)}
<input type="hidden" name="expect" value="${matched}">
<button type="submit" class="primary">Replay ${matched} dead letter(s)</button>
<a href="${href('/console/deliveries', { ...filter, status: 'dead' })}">Back</a></form>`
    : html`<a href="${href('/console/deliveries', filter)}">Back</a>`
}
</div>`,
    v,
  );
}

function eventBlock(e: TraceEvent): Html {
  const head = e.type ? `${e.type} ${e.objectId} ${e.action}` : `event ${e.key}`;
  return html`<section class="card event">
<h2>${head} <small>${e.source ?? ''}</small> ${statusBadge(e.status)}</h2>
<p class="muted">received ${time(e.receivedAt)} · processed ${time(e.processedAt)} · key <code>${e.key}</code></p>
${e.note ? html`<p class="muted">note: ${e.note}</p>` : null}
${e.lastError ? html`<p class="error">error: ${e.lastError}</p>` : null}
<ul class="decisions">${e.decisions.map((d) => {
    if (d.decision === 'skipped') return html`<li class="skipped">✗ <strong>${d.emailType}</strong> → ${d.recipient}: <span class="reason">skipped — ${d.reason}</span></li>`;
    const row = e.deliveries.find((x) => x.id === d.deliveryId);
    return html`<li class="sent">✓ <strong>${d.emailType}</strong> → ${d.recipient}${row ? html` &lt;${row.to}&gt;` : null} via ${d.esp} / ${d.plugin}:
  ${row ? html`<a href="${href(`/console/deliveries/${encodeURIComponent(row.id)}`)}">${statusBadge(row.status)}</a>` : html`<span class="muted">not stored</span>`}
  ${row?.deliveredAt ? html` at ${time(row.deliveredAt)}` : null}
  ${row && row.attemptLog.length ? html`<ol class="attempts">${row.attemptLog.map((a) => html`<li>${time(a.startedAt)} ${a.outcome}${a.status !== null ? html` · HTTP ${a.status}` : null}${a.error ? html` — <span class="err">${a.error.slice(0, 200)}</span>` : null} (${a.durationMs} ms)</li>`)}</ol>` : null}
</li>`;
  })}</ul>
</section>`;
}

export function tracePage(v: Viewer, q: { order?: string; email?: string }, t: Trace | null, problems?: string[]): Html {
  const what = q.order !== undefined ? `order ${q.order}` : (q.email ?? '');
  const form = html`<form class="filters" method="get" action="/console/trace">
  <label>Order <input name="order" value="${q.order ?? ''}" inputmode="numeric" size="10"></label>
  <label>or email <input name="email" value="${q.email ?? ''}" size="26"></label>
  <button type="submit">Trace</button>
</form>`;
  if (!t) return layout('Trace', html`${form}${problems?.length ? html`<div class="card error" role="alert"><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : html`<p class="muted">Give an order number or an email address: every event stored for it, what each decided (sent, or skipped and why), the deliveries and their attempts.</p>`}`, v);
  return layout(
    `Trace of ${what}`,
    html`${form}
<p class="count"><strong>${t.events.length}</strong> event(s), <strong>${t.deliveryCount}</strong> deliver${t.deliveryCount === 1 ? 'y' : 'ies'}${t.truncated ? ' (the first 1000 shown)' : ''} ·
<a href="${href('/console/deliveries', q)}">these deliveries in the activity feed</a></p>
${t.events.length ? t.events.map(eventBlock) : html`<p class="muted">Nothing stored for it.</p>`}`,
    v,
  );
}

export function lanesPage(v: Viewer, lanes: LaneView[]): Html {
  return layout(
    'Lanes',
    html`<p class="muted">One lane per ESP and plugin: its own concurrency, rate limit and pauses. Queued, retrying and dead rows are counted per ESP.</p>
${
  lanes.length
    ? html`<table class="rows lanes">
<thead><tr><th>Lane</th><th>State</th><th>In flight</th><th>Sent here</th><th>Concurrency</th><th>Rate</th><th>Queued</th><th>Retrying</th><th>Dead</th></tr></thead>
<tbody>${lanes.map(
        (l) => html`<tr>
  <td>${l.esp} / ${l.plugin}</td>
  <td><span class="badge l-${l.state.replace(' ', '-')}">${l.state}</span> <small>${l.detail}</small></td>
  <td>${l.inFlight}</td><td>${l.sent ?? '–'}</td><td>${l.concurrency}</td>
  <td>${l.rates.length ? l.rates.join(', ') : 'no limit'}</td>
  <td>${l.espCounts.pending}</td><td>${l.espCounts.retrying}</td>
  <td>${l.espCounts.dead > 0 ? html`<a href="${href('/console/deliveries', { esp: l.esp, status: 'dead' })}">${l.espCounts.dead}</a>` : 0}</td>
</tr>`,
      )}</tbody></table>`
    : html`<p class="muted">No lane yet: nothing has been queued.</p>`
}`,
    v,
  );
}
