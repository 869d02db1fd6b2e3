// The dashboard: live charts and counters from /ws, history from /api/metrics, the panels from
// the REST API (refreshed when /ws reports an event, and polled while /ws is down).
import { get, post, download } from './api.js';
import { LiveConnection } from './live.js';
import { Charts } from './charts.js';
import { renderBottlenecks, renderAlerts, renderOptimizer } from './panels.js';

const state = { range: '5m', sources: [], wsOpen: false, refreshTimer: null, bannerTimer: null };
window.pipewatch = state; // for the browser test and for curious operators

const charts = new Charts();
state.charts = charts;

function showError(error) {
  const banner = document.getElementById('error-banner');
  banner.textContent = String(error.message || error);
  banner.hidden = false;
  clearTimeout(state.errorTimer);
  state.errorTimer = setTimeout(() => { banner.hidden = true; }, 8000);
}

// ------------------------------------------------------------------ panels

async function refreshPanels() {
  const [bottlenecks, alerts, optimizer] = await Promise.allSettled([
    get('/api/bottlenecks'),
    get('/api/alerts?limit=50'),
    get('/api/optimizations'),
  ]);
  if (bottlenecks.status === 'fulfilled') {
    renderBottlenecks(bottlenecks.value.bottlenecks);
    document.getElementById('count-bottlenecks').textContent = bottlenecks.value.bottlenecks.length + ' bottlenecks';
  }
  const handlers = { onChange: () => refreshPanels(), onError: showError };
  if (alerts.status === 'fulfilled') {
    const list = alerts.value.alerts.filter((a) => a.status !== 'resolved' || Date.now() - a.updatedMillis < 15 * 60e3);
    renderAlerts(list, handlers);
    document.getElementById('count-alerts').textContent = alerts.value.alerts.filter((a) => a.status === 'firing').length + ' firing';
  }
  if (optimizer.status === 'fulfilled') renderOptimizer(optimizer.value.sources, handlers);
  document.body.dataset.panelsRefreshed = String(Date.now());
}

/** Refreshes the panels soon (several events in a burst cost one refresh). */
function refreshSoon() {
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(() => { state.refreshTimer = null; refreshPanels().catch(showError); }, 200);
}

// ------------------------------------------------------------------ sources, history, export

async function loadSources() {
  const answer = await get('/api/sources');
  state.sources = answer.sources.map((s) => s.sourceId);
  const select = document.getElementById('export-source');
  const current = select.value;
  select.replaceChildren(...state.sources.map((s) => new Option(s, s)));
  if (state.sources.includes(current)) select.value = current;
  await loadExportSeries();
}

async function loadExportSeries() {
  const source = document.getElementById('export-source').value;
  const select = document.getElementById('export-series');
  if (!source) { select.replaceChildren(); return; }
  const answer = await get('/api/metrics?source=' + encodeURIComponent(source));
  select.replaceChildren(...answer.metrics.map((m) => new Option(m.series, m.series)));
}

/** The sources the charts draw: the pipeline's stages (not the whole pipeline, not hosts). */
function chartSources() {
  const stages = state.sources.filter((s) => /-(ingest|parse|embed|index)$/.test(s));
  return stages.length ? stages : state.sources.slice(0, 6);
}

async function selectRange(range) {
  state.range = range;
  for (const b of document.querySelectorAll('.ranges button')) b.classList.toggle('active', b.dataset.range === range);
  await charts.loadHistory(range, chartSources());
}

// ------------------------------------------------------------------ live

function setWsState(wsState, info) {
  document.body.dataset.wsState = wsState;
  const status = document.getElementById('ws-status');
  const banner = document.getElementById('ws-banner');
  clearTimeout(state.bannerTimer);
  if (wsState === 'open') {
    state.wsOpen = true;
    state.openedAt = Date.now();
    state.firstUpdateAt = null;
    status.textContent = 'live';
    if (info.resumed) {
      banner.textContent = 'Live updates reconnected; missed events replayed.';
      banner.className = 'banner ok';
      banner.hidden = false;
      state.bannerTimer = setTimeout(() => { banner.hidden = true; }, 4000);
      refreshSoon();
    } else {
      banner.hidden = true;
    }
  } else if (wsState === 'closed') {
    state.wsOpen = false;
    status.textContent = 'disconnected';
    banner.className = 'banner';
    banner.textContent = 'Live updates disconnected' + (info.reason ? ' (' + info.reason + ')' : '') +
      ' — reconnecting in ' + (info.delay / 1000).toFixed(1) + ' s (attempt ' + info.attempt + '). ' +
      'Tables refresh every few seconds meanwhile.';
    banner.hidden = false;
  } else {
    status.textContent = wsState + '…';
  }
}

function onMessage(message) {
  switch (message.type) {
    case 'DashboardUpdate':
      charts.addUpdate(message);
      if (!state.firstUpdateAt) state.firstUpdateAt = Date.now();
      document.getElementById('count-bottlenecks').textContent = message.activeBottlenecks + ' bottlenecks';
      document.getElementById('count-alerts').textContent = message.firingAlerts + ' firing';
      break;
    case 'Alert':
    case 'Bottleneck':
    case 'Optimization':
    case 'Pattern':
    case 'ResumeGap':
      refreshSoon();
      break;
    case 'Error':
      showError(new Error('/ws: ' + message.error + ' ' + (message.field || '') + ' ' + (message.detail || '')));
      break;
    default:
      break;
  }
}

// ------------------------------------------------------------------ forms

function wireForms() {
  for (const b of document.querySelectorAll('.ranges button')) {
    b.addEventListener('click', () => selectRange(b.dataset.range).catch(showError));
  }
  document.getElementById('fault-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const body = { kind: form.get('kind'), stage: form.get('stage'), duration: form.get('duration') };
    const intensity = Number(form.get('intensity'));
    if (form.get('intensity') !== '' && Number.isFinite(intensity)) body.intensity = intensity;
    const result = document.getElementById('fault-result');
    try {
      const fault = await post('/api/simulator/faults', body);
      result.textContent = 'Injected ' + fault.kind + ' on ' + fault.sourceId + ' until ' + new Date(fault.endMillis).toLocaleTimeString() + ' (' + fault.id + ').';
      result.dataset.faultId = fault.id;
      refreshSoon();
    } catch (e) {
      result.textContent = 'Refused: ' + e.message;
    }
  });
  document.getElementById('export-source').addEventListener('change', () => loadExportSeries().catch(showError));
  const result = document.getElementById('export-result');
  for (const b of document.querySelectorAll('[data-export]')) {
    b.addEventListener('click', async () => {
      const source = document.getElementById('export-source').value;
      const series = document.getElementById('export-series').value;
      if (!source || !series) return;
      const format = b.dataset.export;
      const url = '/api/metrics/' + encodeURIComponent(source) + '/' + encodeURIComponent(series) + '?range=' + state.range + '&format=' + format;
      try {
        await download(url, (source + '-' + series).replace(/[^A-Za-z0-9._-]/g, '_') + '-' + state.range + '.' + format);
        result.textContent = 'Downloaded ' + series + ' (' + state.range + ') as ' + format.toUpperCase() + '.';
      } catch (e) { result.textContent = 'Export failed: ' + e.message; }
    });
  }
  for (const b of document.querySelectorAll('[data-report]')) {
    b.addEventListener('click', async () => {
      const format = b.dataset.report;
      try {
        await download('/api/report?range=' + state.range + '&format=' + format, 'pipewatch-report-' + state.range + '.' + format);
        result.textContent = 'Downloaded the ' + state.range + ' report as ' + format.toUpperCase() + '.';
      } catch (e) { result.textContent = 'Report failed: ' + e.message; }
    });
  }
}

// ------------------------------------------------------------------ start

/** After a token was entered, whatever failed without it is read again. */
function reloadAfterToken() {
  setTimeout(async () => {
    await loadSources().catch(() => {});
    await Promise.all([refreshPanels().catch(() => {}), selectRange(state.range).catch(() => {})]);
  }, 0);
}

async function start() {
  wireForms();
  window.addEventListener('pipewatch:token', reloadAfterToken);
  const live = new LiveConnection({ onMessage, onState: setWsState });
  state.live = live;
  await loadSources().catch(showError);
  await Promise.all([refreshPanels().catch(showError), selectRange('5m').catch(showError)]);
  live.start();
  // the panels follow /ws events; while /ws is down they are polled
  let ticks = 0;
  setInterval(() => { ticks += 1; if (!state.wsOpen || ticks % 5 === 0) refreshPanels().catch(() => {}); }, 2000);
  setInterval(() => { loadSources().catch(() => {}); }, 30000);
  document.body.dataset.ready = 'true';
}

start();
