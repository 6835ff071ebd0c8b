// The perfmon dashboard: reads /stats (table) and /history (charts) from the agent that served
// this page, every two seconds. No request goes anywhere else (the page's Content-Security-Policy
// says so too). Operation names are shown with textContent only.
(function () {
  'use strict';
  const REFRESH_MS = 2000;
  const state = { scope: '', selected: null, pinned: false, updates: 0, points: 0, plots: {} };
  window.perfmonDashboard = state;

  const $ = (id) => document.getElementById(id);
  const fmt = (v, d) => (v === undefined || v === null || Number.isNaN(v) ? '' : Number(v).toFixed(d));
  // Three significant digits, with k/M for large values: 0.000123, 1.23, 45.6, 789, 12.3k, 4.56M.
  function num(v) {
    if (v === undefined || v === null || Number.isNaN(v)) return '';
    const a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toPrecision(3) + 'M';
    if (a >= 1e4) return (v / 1e3).toPrecision(3) + 'k';
    if (a >= 100 || a === 0) return String(Math.round(v));
    return Number(v.toPrecision(3)).toString();
  }
  const axis = (extra) => Object.assign({ size: 64, values: (u, vals) => vals.map(num) }, extra || {});

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== null && v !== undefined && v !== '') q.set(k, v);
    }
    const s = q.toString();
    return s ? '?' + s : '';
  }

  async function getJson(path) {
    const r = await fetch(path, { cache: 'no-store' });
    if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
    return r.json();
  }

  function makePlot(el, series, axes, scales) {
    const opts = {
      width: Math.max(300, el.clientWidth || 540),
      height: 220,
      series: [{}].concat(series),
      axes: axes || [{}, axis()],
      scales: scales || { x: { time: true } },
      legend: { live: false },
    };
    const data = [[]].concat(series.map(() => []));
    return new uPlot(opts, data, el);
  }

  function plots() {
    if (state.plots.throughput) return state.plots;
    state.plots.throughput = makePlot($('chart-throughput'), [
      { label: 'scope', stroke: '#2f6fdf', width: 2 },
      { label: 'selected', stroke: '#e08a00', width: 2 },
    ]);
    state.plots.errors = makePlot($('chart-errors'), [
      { label: 'scope', stroke: '#b3261e', width: 2 },
      { label: 'selected', stroke: '#e08a00', width: 2 },
    ]);
    state.plots.latency = makePlot($('chart-latency'), [
      { label: 'p50', stroke: '#2e7d32', width: 2 },
      { label: 'p95', stroke: '#e08a00', width: 2 },
      { label: 'p99', stroke: '#b3261e', width: 2 },
    ]);
    state.plots.memory = makePlot(
      $('chart-memory'),
      [
        { label: 'heap MB', stroke: '#6a1b9a', width: 2, scale: 'mb' },
        { label: 'GC ms', stroke: '#00897b', width: 2, scale: 'ms' },
      ],
      [{}, axis({ scale: 'mb' }), axis({ scale: 'ms', side: 1, grid: { show: false } })],
      { x: { time: true }, mb: {}, ms: {} });
    return state.plots;
  }

  function renderTable(stats) {
    const ops = Object.entries(stats.operations || {});
    ops.sort((a, b) => (b[1].p95 || 0) - (a[1].p95 || 0));
    if (!state.pinned) state.selected = ops.length ? ops[0][0] : null;
    $('selected').textContent = state.selected === null ? '(no operation yet)' : state.selected;
    const body = document.createElement('tbody');
    const secs = Math.max(0.001, (stats.intervalMs || 0) / 1000);
    for (const [name, o] of ops) {
      const tr = document.createElement('tr');
      if (name === state.selected) tr.className = 'selected';
      const iv = o.interval || {};
      const cells = [name, o.count, num((iv.count || 0) / secs), o.errorCount,
        fmt(o.count ? (100 * o.errorCount) / o.count : 0, 2), num(o.avgDuration), num(o.p50),
        num(o.p95), num(o.p99), num(o.maxDuration)];
      cells.forEach((c, i) => {
        const td = document.createElement('td');
        td.textContent = String(c);
        if (i === 3 && o.errorCount > 0) td.className = 'errors';
        tr.appendChild(td);
      });
      tr.addEventListener('click', () => { state.selected = name; state.pinned = true; refresh(); });
      body.appendChild(tr);
    }
    $('ops').replaceChild(body, $('ops').tBodies[0]);
    $('jvm').textContent = 'pid ' + stats.pid + ', up ' + Math.round((stats.uptimeMs || 0) / 1000) + ' s';
  }

  function renderCharts(history) {
    const p = plots();
    const pts = history.points || [];
    const t = [], calls = [], opCalls = [], errs = [], opErrs = [], p50 = [], p95 = [], p99 = [], heap = [], gc = [];
    let prevGc = null;
    for (const pt of pts) {
      const secs = Math.max(0.001, pt.intervalMs / 1000);
      t.push(pt.t / 1000);
      calls.push(pt.calls / secs);
      errs.push(pt.errors / secs);
      opCalls.push(pt.op ? pt.op.count / secs : null);
      opErrs.push(pt.op ? pt.op.errors / secs : null);
      p50.push(pt.op ? pt.op.p50 : null);
      p95.push(pt.op ? pt.op.p95 : null);
      p99.push(pt.op ? pt.op.p99 : null);
      heap.push(pt.heapUsedMb === undefined ? null : pt.heapUsedMb);
      gc.push(pt.gcMs === undefined || prevGc === null ? null : pt.gcMs - prevGc);
      prevGc = pt.gcMs === undefined ? prevGc : pt.gcMs;
    }
    p.throughput.setData([t, calls, opCalls]);
    p.errors.setData([t, errs, opErrs]);
    p.latency.setData([t, p50, p95, p99]);
    p.memory.setData([t, heap, gc]);
    state.points = t.length;
  }

  async function refresh() {
    try {
      const stats = await getJson('stats' + query({ scope: state.scope }));
      renderTable(stats);
      const history = await getJson('history' + query({ scope: state.scope, operation: state.selected }));
      renderCharts(history);
      state.updates++;
      $('status').textContent = 'updated ' + new Date().toLocaleTimeString() + ' (' + state.points + ' intervals)';
    } catch (e) {
      $('status').textContent = 'cannot read the agent: ' + e.message;
    }
  }

  $('scope-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.scope = $('scope').value.trim();
    state.pinned = false;
    refresh();
  });
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
