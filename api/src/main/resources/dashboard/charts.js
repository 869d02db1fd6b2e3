// The five charts: one line per source (latency: p50 dashed and p99 per source). History of the
// selected range comes from /api/metrics/{source}/{series}?range=; live points from each
// DashboardUpdate are appended and points older than the range dropped.
import { get } from './api.js';

export const RANGES = { '5m': 5 * 60e3, '15m': 15 * 60e3, '1h': 3600e3, '4h': 4 * 3600e3 };

// chart id -> lines: the DashboardUpdate field, the history series names (first found wins), a
// factor from the history's unit to the chart's, and a label suffix.
export const CHARTS = {
  throughput: [{ field: 'throughput', names: ['pipeline_stage_latency_seconds_rate', 'pipeline_end_to_end_latency_seconds_rate'], factor: 1, suffix: '' }],
  latency: [
    { field: 'latencyP50Ms', names: ['pipeline_stage_latency_seconds_p50', 'pipeline_end_to_end_latency_seconds_p50'], factor: 1000, suffix: ' p50', dash: [4, 3] },
    { field: 'latencyP99Ms', names: ['pipeline_stage_latency_seconds_p99', 'pipeline_end_to_end_latency_seconds_p99'], factor: 1000, suffix: ' p99' },
  ],
  queue: [{ field: 'queueDepth', names: ['pipeline_stage_queue_depth'], factor: 1, suffix: '' }],
  cpu: [{ field: 'cpu', names: ['pipeline_stage_cpu_usage_ratio', 'host_cpu_utilization_ratio'], factor: 1, suffix: '' }],
  memory: [{ field: 'memoryBytes', names: ['pipeline_stage_memory_bytes', 'host_memory_used_bytes'], factor: 1 / 1048576, suffix: '', liveFactor: 1 / 1048576 }],
};

const COLORS = ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#1b7c83', '#57606a'];

function timeLabel(ms) {
  const d = new Date(ms);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

export class Charts {
  constructor() {
    this.range = '5m';
    this.charts = {};
    this.colors = new Map();
    this.seriesIds = new Map(); // source -> Promise<{name -> series id}>
    this.liveUpdates = 0;
    this.liveTimes = [];
    this.sources = new Set(); // the sources drawn (empty: every source)
    this.historyLoads = 0;
    for (const id of Object.keys(CHARTS)) {
      const canvas = document.getElementById('chart-' + id);
      this.charts[id] = new Chart(canvas, {
        type: 'line',
        data: { datasets: [] },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          parsing: false,
          normalized: true,
          spanGaps: true,
          elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
          scales: {
            x: { type: 'linear', ticks: { maxTicksLimit: 6, maxRotation: 0, callback: (v) => timeLabel(v) } },
            y: { beginAtZero: true, ticks: { maxTicksLimit: 5 } },
          },
          plugins: { legend: { labels: { boxWidth: 10, font: { size: 10 } } }, tooltip: { enabled: true } },
        },
      });
      canvas.dataset.liveUpdates = '0';
      canvas.dataset.historyPoints = '0';
    }
  }

  color(source) {
    if (!this.colors.has(source)) this.colors.set(source, COLORS[this.colors.size % COLORS.length]);
    return this.colors.get(source);
  }

  dataset(chartId, line, source) {
    const chart = this.charts[chartId];
    const label = source + line.suffix;
    let ds = chart.data.datasets.find((d) => d.label === label);
    if (!ds) {
      ds = { label, data: [], borderColor: this.color(source), backgroundColor: this.color(source), borderDash: line.dash || [] };
      chart.data.datasets.push(ds);
    }
    return ds;
  }

  /** Appends one DashboardUpdate's numbers. */
  addUpdate(update) {
    const at = update.at ? Date.parse(update.at) : Date.now();
    const cutoff = at - RANGES[this.range];
    for (const [chartId, lines] of Object.entries(CHARTS)) {
      let touched = false;
      for (const s of update.sources || []) {
        if (this.sources.size && !this.sources.has(s.source)) continue;
        for (const line of lines) {
          const v = s[line.field];
          if (v === null || v === undefined) continue;
          const ds = this.dataset(chartId, line, s.source);
          ds.data.push({ x: at, y: v * (line.liveFactor || 1) });
          while (ds.data.length && ds.data[0].x < cutoff) ds.data.shift();
          touched = true;
        }
      }
      if (touched) {
        this.charts[chartId].options.scales.x.min = cutoff;
        this.charts[chartId].options.scales.x.max = at;
        const canvas = this.charts[chartId].canvas;
        canvas.dataset.liveUpdates = String(Number(canvas.dataset.liveUpdates) + 1);
        canvas.dataset.lastUpdate = String(at);
        this.charts[chartId].update('none');
      }
    }
    this.liveUpdates += 1;
    this.liveTimes.push(Date.now()); // when updates reached the charts (the browser test reads it)
    if (this.liveTimes.length > 100) this.liveTimes.shift();
  }

  /** The series ids of `source` by name, from /api/metrics?source= (asked once per source). */
  ids(source) {
    if (!this.seriesIds.has(source)) {
      const pending = get('/api/metrics?source=' + encodeURIComponent(source)).then((answer) => {
        const byName = {};
        for (const m of answer.metrics) if (!(m.name in byName)) byName[m.name] = m.series;
        return byName;
      });
      pending.catch(() => this.seriesIds.delete(source));
      this.seriesIds.set(source, pending);
    }
    return this.seriesIds.get(source);
  }

  /** Redraws every chart from history of `range` for `sources`. */
  async loadHistory(range, sources) {
    this.range = range;
    this.sources = new Set(sources);
    const jobs = [];
    const fresh = {};
    for (const id of Object.keys(CHARTS)) fresh[id] = [];
    for (const source of sources) {
      const ids = await this.ids(source).catch(() => ({}));
      for (const [chartId, lines] of Object.entries(CHARTS)) {
        for (const line of lines) {
          const name = line.names.find((n) => ids[n]);
          if (!name) continue;
          const url = '/api/metrics/' + encodeURIComponent(source) + '/' + encodeURIComponent(ids[name]) + '?range=' + range;
          jobs.push(get(url).then((h) => {
            const data = [];
            for (let i = 0; i < h.timestamps.length; i++) {
              const v = h.values[i];
              if (v !== null && Number.isFinite(v)) data.push({ x: h.timestamps[i], y: v * line.factor });
            }
            fresh[chartId].push({ line, source, data });
          }).catch(() => {}));
        }
      }
    }
    await Promise.all(jobs);
    for (const [chartId, entries] of Object.entries(fresh)) {
      const chart = this.charts[chartId];
      chart.data.datasets = [];
      let points = 0;
      for (const { line, source, data } of entries.sort((a, b) => (a.source + a.line.suffix).localeCompare(b.source + b.line.suffix))) {
        this.dataset(chartId, line, source).data = data;
        points += data.length;
      }
      chart.options.scales.x.min = Date.now() - RANGES[range];
      chart.options.scales.x.max = Date.now();
      chart.canvas.dataset.historyPoints = String(points);
      chart.canvas.dataset.range = range;
      chart.update('none');
    }
    this.historyLoads += 1;
    document.body.dataset.historyLoads = String(this.historyLoads);
    document.body.dataset.range = range;
  }
}
