// The tables and panels: bottlenecks, alerts (acknowledge / resolve / silence), the optimizer
// (mode, knobs, change in flight, history, approve / reject / rollback), built with DOM calls
// only (no innerHTML with data, so nothing from the server is ever run as markup).
import { post, put } from './api.js';

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

const pct = (v) => (Number.isFinite(v) ? Math.round(v * 100) + ' %' : '');
const when = (ms) => (ms > 0 ? new Date(ms).toLocaleTimeString() : '');

function fill(tbody, rows, columns) {
  tbody.replaceChildren(...(rows.length ? rows : [el('tr', { class: 'empty' }, el('td', { colSpan: columns }, 'none'))]));
}

export function renderBottlenecks(list) {
  const rows = list.map((b) => el('tr', { 'data-source': b.sourceId, 'data-kind': b.kind, 'data-id': b.id },
    el('td', {}, b.sourceId),
    el('td', {}, b.kind),
    el('td', { class: 'sev-' + b.severity }, b.severity),
    el('td', {}, pct(b.impact)),
    el('td', {}, pct(b.confidence)),
    el('td', {}, (b.evidence || []).map((e) => e.rule + ' ' + (e.seriesId || '') + ' = ' +
      (Number.isFinite(e.value) ? +e.value.toFixed(3) : e.value) +
      (Number.isFinite(e.threshold) ? ' (threshold ' + e.threshold + ')' : '')).join('; '))));
  fill(document.querySelector('#bottlenecks tbody'), rows, 6);
}

export function renderAlerts(alerts, { onChange, onError }) {
  const act = (fn) => async (event) => {
    event.target.disabled = true;
    try { await fn(); onChange(); } catch (e) { onError(e); event.target.disabled = false; }
  };
  const rows = alerts.map((a) => {
    const id = encodeURIComponent(a.id);
    const labels = a.labels || {};
    // structured matchers: a label value is a value, whatever characters it holds
    const matchers = [{ name: 'alertname', value: labels.alertname || labels.kind || a.fingerprint, isRegex: false, isEqual: true }];
    if (labels.source) matchers.push({ name: 'source', value: labels.source, isRegex: false, isEqual: true });
    const actions = el('td', { class: 'actions' });
    if (a.status === 'firing') {
      actions.append(el('button', { type: 'button', 'data-action': 'ack',
        onclick: act(() => post('/api/alerts/' + id + '/ack', { who: 'dashboard', note: 'acknowledged on the dashboard' })) }, 'Ack'));
    }
    if (a.status !== 'resolved') {
      actions.append(' ', el('button', { type: 'button', 'data-action': 'resolve',
        onclick: act(() => post('/api/alerts/' + id + '/resolve', { who: 'dashboard', note: 'resolved on the dashboard' })) }, 'Resolve'));
      actions.append(' ', el('button', { type: 'button', 'data-action': 'silence', title: 'silence ' + matchers.map(m => m.name + '=' + m.value).join(', ') + ' for 1 h',
        onclick: act(() => post('/api/silences', { matchers, duration: '1h', createdBy: 'dashboard', comment: 'silenced from the dashboard: ' + a.title })) }, 'Silence 1 h'));
    }
    return el('tr', { 'data-id': a.id, 'data-status': a.status },
      el('td', {}, when(a.startsMillis)),
      el('td', { class: 'sev-' + a.severity }, a.severity),
      el('td', {}, a.status),
      el('td', {}, a.title),
      actions);
  });
  fill(document.querySelector('#alerts tbody'), rows, 5);
}

export function renderOptimizer(sources, { onChange, onError }) {
  const box = document.getElementById('optimizer');
  if (!sources.length) {
    box.replaceChildren(el('p', { class: 'muted' }, 'no optimizer has reported yet'));
    return;
  }
  const act = (fn) => async (event) => {
    if (event.target.disabled !== undefined) event.target.disabled = true;
    try { await fn(); onChange(); } catch (e) { onError(e); if (event.target.disabled !== undefined) event.target.disabled = false; }
  };
  box.replaceChildren(...sources.map((s) => {
    const mode = el('select', { 'data-source': s.source, onchange: act(() => put('/api/optimizations/mode', { source: s.source, mode: mode.value })) },
      ...['off', 'recommend', 'auto'].map((m) => el('option', { value: m, selected: m === s.mode }, m)));
    const knobs = el('div', { class: 'knobs' }, ...(s.knobs || []).map((k) =>
      el('span', { title: k.description || '' }, k.name + ' = ' + (k.categorical && k.choices.length ? k.choices[k.value] : k.value))));
    let inFlight = null;
    if (s.inFlight) {
      const c = s.inFlight;
      const p = c.proposal || {};
      const id = encodeURIComponent(c.id);
      const button = (action, label) => el('button', { type: 'button', 'data-action': action,
        onclick: act(() => post('/api/optimizations/' + id + '/' + action, {})) }, label);
      inFlight = el('p', { class: 'in-flight' }, 'In flight: ' + c.id + ' (' + c.phase + ') ' + p.knob + ' ' +
        p.from + ' → ' + p.to + ': ' + (p.reason || '') + ' ',
        button('approve', 'Approve'), ' ', button('reject', 'Reject'), ' ', button('rollback', 'Roll back'));
    }
    const decisions = el('ul', { class: 'decisions' }, ...(s.decisions || []).slice(-8).reverse().map((d) =>
      el('li', {}, when(d.atMillis) + ' ' + d.id + ' ' + d.knob + ' ' + d.from + ' → ' + d.to + ': ' + d.outcome + ' — ' + (d.reason || ''))));
    const recs = (s.recommendations || []).map((r) => el('p', { class: 'muted' }, 'Recommendation: ' + r.title));
    return el('div', { class: 'opt-source', 'data-source': s.source },
      el('h3', {}, s.source, ' ', el('label', {}, 'mode ', mode)), knobs, inFlight, ...recs, decisions);
  }));
}
