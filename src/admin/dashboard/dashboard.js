// Krill dashboard: polls /krill/dashboard every second and keeps the last five minutes of
// samples in the page; rates and latency percentiles come from differences between
// successive counter and histogram snapshots. No framework, no external resources.
'use strict';

const POLL_MS = 1000;
const HISTORY = 300; // samples kept for the charts (5 minutes at one per second)
const LOG_POLL_MS = 2000;
const SYSTEM_KEYSPACES = new Set(['system', 'system_schema', 'system_auth', 'system_distributed',
  'system_traces', 'system_views', 'system_virtual_schema']);
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'critical', 'off'];

const $ = (id) => document.getElementById(id);
const samples = []; // {t, reads, writes, requests, errors, lat: {read, write, range}} rates and percentiles
let previous = null; // the last /krill/dashboard document
let latest = null;

// ------------------------------------------------------------------ formatting
function fmtBytes(n) {
  if (n === undefined || n === null || isNaN(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n.toFixed(0) : n.toFixed(n < 10 ? 2 : 1)) + ' ' + units[i];
}
function fmtRate(n) {
  if (n === undefined || isNaN(n)) return '–';
  if (n >= 1e6) return (n / 1e6).toFixed(2) + 'M';
  if (n >= 1e4) return (n / 1e3).toFixed(1) + 'k';
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}
function fmtCount(n) { return n === undefined ? '–' : Number(n).toLocaleString('en-US'); }
function fmtMicros(us) {
  if (!us) return '–';
  if (us >= 1e6) return (us / 1e6).toFixed(2) + ' s';
  if (us >= 1e3) return (us / 1e3).toFixed(1) + ' ms';
  return us.toFixed(0) + ' µs';
}
function fmtDuration(ms) {
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + m + 'm ' + s + 's';
}
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : String(c));
  return e;
}

// ------------------------------------------------------------------ HTTP
async function api(method, path) {
  const res = await fetch(path, { method, cache: 'no-store' });
  const text = await res.text();
  let body = text;
  try { body = JSON.parse(text); } catch (_) { /* plain text */ }
  if (!res.ok) {
    const msg = body && body.message ? body.message : text || res.statusText;
    const err = new Error(msg);
    err.status = res.status;
    throw err;
  }
  return body;
}

// ------------------------------------------------------------------ percentiles
// The value at percentile p of histogram counts (upper offset of the bucket holding it).
function percentile(counts, offsets, p) {
  let total = 0;
  for (const c of counts) total += c;
  if (total === 0) return 0;
  const target = Math.ceil(total * p);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (counts[i] > 0 && seen >= target) return i < offsets.length ? offsets[i] : offsets[offsets.length - 1];
  }
  return 0;
}
function deltaCounts(now, before) { return now.map((c, i) => Math.max(0, c - (before ? before[i] : 0))); }

// ------------------------------------------------------------------ sampling
function writesOf(c) { return c.inserts + c.updates + c.deletes + c.batches; }

function addSample(doc) {
  if (previous && doc.counters && previous.counters) {
    const dt = Math.max(0.001, (doc.time_ms - previous.time_ms) / 1000);
    const c = doc.counters, p = previous.counters;
    const lat = {};
    for (const kind of ['read', 'write', 'range']) {
      const d = deltaCounts(doc.latency[kind], previous.latency[kind]);
      lat[kind] = [0.5, 0.95, 0.99].map((q) => percentile(d, doc.latency.offsets, q));
    }
    samples.push({
      t: doc.time_ms,
      reads: (c.reads - p.reads) / dt,
      writes: (writesOf(c) - writesOf(p)) / dt,
      requests: (c.requests - p.requests) / dt,
      errors: (c.errors - p.errors) / dt,
      lat,
    });
    while (samples.length > HISTORY) samples.shift();
  }
  previous = doc;
}

// ------------------------------------------------------------------ charts
function drawChart(canvas, series, opts) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight || 220;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const left = 56, right = 10, top = 22, bottom = 22;
  const w = width - left - right, h = height - top - bottom;
  let max = 0;
  for (const s of series) for (const v of s.values) if (isFinite(v)) max = Math.max(max, v);
  max = niceMax(max || 1);
  g.font = '11px system-ui, sans-serif';
  g.strokeStyle = '#e2e6ec';
  g.fillStyle = '#6b7585';
  g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = top + h - (h * i) / 4;
    g.beginPath(); g.moveTo(left, y); g.lineTo(left + w, y); g.stroke();
    g.textAlign = 'right'; g.textBaseline = 'middle';
    g.fillText(opts.format((max * i) / 4), left - 6, y);
  }
  g.textAlign = 'left'; g.textBaseline = 'alphabetic';
  g.fillText('-5 min', left, height - 6);
  g.textAlign = 'right';
  g.fillText('now', left + w, height - 6);
  // Legend.
  let x = left;
  g.textAlign = 'left'; g.textBaseline = 'middle';
  for (const s of series) {
    g.fillStyle = s.color; g.fillRect(x, 6, 10, 10);
    g.fillStyle = '#1d2430'; g.fillText(s.label, x + 14, 11);
    x += g.measureText(s.label).width + 34;
  }
  for (const s of series) {
    g.strokeStyle = s.color; g.lineWidth = 2; g.beginPath();
    const n = s.values.length;
    s.values.forEach((v, i) => {
      const px = left + w - ((n - 1 - i) * w) / (HISTORY - 1);
      const py = top + h - (Math.min(v, max) / max) * h;
      if (i === 0) g.moveTo(px, py); else g.lineTo(px, py);
    });
    g.stroke();
  }
  if (series.every((s) => s.values.length === 0)) {
    g.fillStyle = '#6b7585'; g.textAlign = 'center';
    g.fillText('waiting for data…', left + w / 2, top + h / 2);
  }
}
function niceMax(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
function drawCharts() {
  const style = getComputedStyle(document.documentElement);
  const color = (name) => style.getPropertyValue(name).trim();
  drawChart($('throughput-chart'), [
    { label: 'reads/s', color: color('--read'), values: samples.map((s) => s.reads) },
    { label: 'writes/s', color: color('--write'), values: samples.map((s) => s.writes) },
  ], { format: fmtRate });
  const kind = $('latency-kind').value;
  drawChart($('latency-chart'), [
    { label: 'p50', color: color('--p50'), values: samples.map((s) => s.lat[kind][0]) },
    { label: 'p95', color: color('--p95'), values: samples.map((s) => s.lat[kind][1]) },
    { label: 'p99', color: color('--p99'), values: samples.map((s) => s.lat[kind][2]) },
  ], { format: fmtMicros });
}

// ------------------------------------------------------------------ rendering
function renderHeader(doc) {
  const n = doc.node;
  $('node-line').textContent = `${n.cluster_name} · ${n.address}:${n.native_port} · ${n.data_center}/${n.rack} · ` +
    `Krill ${n.krill_version} (CQL ${n.release_version}) · host ${n.host_id}`;
  const pill = $('status-pill');
  const up = n.ready && n.mode === 'NORMAL';
  pill.textContent = up ? 'UN' : n.mode;
  pill.className = 'pill ' + (up ? 'pill-up' : 'pill-down');
}

function renderStats(doc) {
  const last = samples[samples.length - 1];
  if (last) {
    $('reads-rate').textContent = fmtRate(last.reads);
    $('writes-rate').textContent = fmtRate(last.writes);
    $('requests-rate').textContent = fmtRate(last.requests);
    $('errors-rate').textContent = fmtRate(last.errors);
  }
  if (doc.counters) $('connections').textContent = fmtCount(doc.counters.connections);
  $('load').textContent = fmtBytes(doc.node.load_bytes);
  if (doc.memory) $('rss').textContent = `${fmtBytes(doc.memory.rss_bytes)} / ${fmtBytes(doc.memory.budget_bytes)}`;
  if (doc.uptime_ms !== undefined) $('uptime').textContent = fmtDuration(doc.uptime_ms);
}

function renderTables(doc) {
  const body = $('tables-body');
  const showSystem = $('show-system').checked;
  const tables = (doc.tables || []).filter((t) => showSystem || !SYSTEM_KEYSPACES.has(t.keyspace));
  body.replaceChildren();
  if (tables.length === 0) {
    body.append(el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'no tables yet: create one with CQL')));
  }
  for (const t of tables) {
    const name = `${t.keyspace}.${t.table}` + (t.is_index ? ' (index)' : '');
    body.append(el('tr', { 'data-table': `${t.keyspace}.${t.table}` },
      el('td', {}, name),
      el('td', { class: 'num' }, fmtCount(t.sstable_count)),
      el('td', { class: 'num' }, fmtBytes(t.live_bytes)),
      el('td', { class: 'num' }, fmtCount(t.estimated_partitions)),
      el('td', { class: 'num' }, fmtBytes(t.memtable_bytes)),
      el('td', { class: 'num' }, fmtCount(t.read_latency.count + t.range_latency.count)),
      el('td', { class: 'num' }, fmtCount(t.write_latency.count)),
      el('td', { class: 'num' }, fmtMicros(t.write_latency.p99)),
      el('td', { class: 'num' }, fmtMicros(Math.max(t.read_latency.p99, t.range_latency.p99)))));
  }
  // Keyspaces for the actions.
  const select = $('action-keyspace');
  const keyspaces = [...new Set((doc.tables || []).map((t) => t.keyspace))].sort();
  const have = [...select.options].map((o) => o.value).filter((v) => v);
  if (keyspaces.join() !== have.join()) {
    const chosen = select.value;
    select.replaceChildren(el('option', { value: '' }, 'all keyspaces'));
    for (const ks of keyspaces) select.append(el('option', { value: ks }, ks));
    select.value = keyspaces.includes(chosen) ? chosen : '';
  }
}

function bar(label, used, total) {
  const pct = total > 0 ? Math.min(100, (100 * used) / total) : 0;
  const fill = el('div', { class: 'fill' + (pct > 90 ? ' bad' : pct > 75 ? ' warn' : '') });
  fill.style.width = pct.toFixed(1) + '%';
  return el('div', { class: 'bar' },
    el('div', { class: 'bar-label' }, el('span', {}, label),
      el('span', { class: 'muted' }, `${fmtBytes(used)} / ${fmtBytes(total)} (${pct.toFixed(0)}%)`)),
    el('div', { class: 'track' }, fill));
}

function renderMemory(doc) {
  const m = doc.memory;
  if (!m) return;
  $('memory-bars').replaceChildren(
    bar('Process (RSS) vs --memory', m.rss_bytes, m.budget_bytes),
    bar('Block cache + memtables', m.block_cache_usage_bytes, m.block_cache_capacity_bytes),
    bar('Memtables', m.memtable_bytes, m.memtable_budget_bytes),
    bar('CQL requests in flight', m.request_bytes, m.request_budget_bytes));
}

function renderCompactions(doc) {
  const c = doc.compactions;
  if (!c) return;
  const box = $('compactions');
  box.replaceChildren(el('div', { class: 'compaction-row' },
    `pending tasks: ${c.pending_tasks} · completed: ${fmtCount(c.completed)} · written: ${fmtBytes(c.bytes_written)}` +
    ` · flushes: ${fmtCount(c.flushes)} · limit: ${doc.settings.compaction_throughput_mb || 'unthrottled'}` +
    (doc.settings.compaction_throughput_mb ? ' MB/s' : '')));
  for (const j of c.running) {
    const pct = j.bytes_total ? (100 * j.bytes_done) / j.bytes_total : 0;
    box.append(bar(`${j.kind.toLowerCase()} ${j.keyspace}.${j.table}`, j.bytes_done, j.bytes_total || j.bytes_done));
    void pct;
  }
  for (const h of c.recent.slice(0, 5)) {
    const when = new Date(h.finished_ms).toLocaleTimeString();
    box.append(el('div', { class: 'compaction-row muted' },
      `${when} ${h.keyspace}.${h.table} (${h.reason}): ${fmtBytes(h.bytes_in)} → ${fmtBytes(h.bytes_out)} in ${h.elapsed_ms} ms`));
  }
  const input = $('throughput-input');
  if (document.activeElement !== input && !input.dataset.edited) input.value = doc.settings.compaction_throughput_mb;
}

function render(doc) {
  renderHeader(doc);
  renderStats(doc);
  renderTables(doc);
  renderMemory(doc);
  renderCompactions(doc);
  drawCharts();
}

// ------------------------------------------------------------------ polling
async function poll() {
  try {
    const doc = await api('GET', '/krill/dashboard');
    latest = doc;
    addSample(doc);
    render(doc);
  } catch (e) {
    const pill = $('status-pill');
    pill.textContent = 'unreachable';
    pill.className = 'pill pill-down';
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

async function pollLog() {
  try {
    const lines = await api('GET', '/krill/log?lines=200');
    const pre = $('log');
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.replaceChildren(...lines.map((l) =>
      el('div', { class: 'lvl-' + String(l.level).toLowerCase() },
        `${l.time} ${String(l.level).toUpperCase().padEnd(8)} [${l.logger}] ${l.message}`)));
    if (lines.length === 0) pre.textContent = '(no log lines yet)';
    if (atBottom) pre.scrollTop = pre.scrollHeight;
    $('log-hint').textContent = `last ${lines.length} lines`;
  } catch (e) {
    $('log').textContent = e.status === 404 ? 'The recent-log endpoint (/krill/log) is not available on this node.'
      : `log unavailable: ${e.message}`;
  } finally {
    setTimeout(pollLog, LOG_POLL_MS);
  }
}

async function loadHost() {
  try {
    const h = await api('GET', '/krill/host');
    const dl = $('host');
    dl.replaceChildren();
    const add = (k, v) => dl.append(el('dt', {}, k), el('dd', {}, v));
    add('CPUs', `${h.cpus} (smp ${h.smp})`);
    if (h.memory) add('Host memory', `${fmtBytes(h.memory.available_bytes)} free of ${fmtBytes(h.memory.total_bytes)}`);
    if (h.disk && h.disk.capacity_bytes !== undefined) {
      add('Data disk', `${fmtBytes(h.disk.available_bytes)} free of ${fmtBytes(h.disk.capacity_bytes)}`);
    }
    if (h.disk) add('Data directory', h.disk.path);
    for (const i of h.network_interfaces || []) add(i.name, `${i.address}${i.up ? '' : ' (down)'}`);
  } catch (e) {
    $('host').textContent = `host information unavailable: ${e.message}`;
  }
}

async function loadSnapshots() {
  const box = $('snapshots');
  try {
    const snaps = await api('GET', '/storage_service/snapshots');
    box.replaceChildren();
    if (snaps.length === 0) box.append(el('span', { class: 'muted' }, 'no snapshots'));
    for (const s of snaps) {
      box.append(el('div', { class: 'compaction-row', 'data-snapshot': s.key },
        `${s.key}: ${fmtBytes(s.total)} on disk, ${fmtBytes(s.live)} true size, ${s.value.length} tables`));
    }
  } catch (e) {
    box.textContent = `snapshots unavailable: ${e.message}`;
  }
}

// ------------------------------------------------------------------ log levels
async function loadLoggers() {
  const box = $('loggers');
  let loggers;
  try {
    const all = await api('GET', '/krill/logger');
    loggers = all.loggers;
  } catch (_) {
    try {
      const names = await api('GET', '/system/logger');
      loggers = await Promise.all(names.map(async (name) =>
        ({ name, level: await api('GET', '/system/logger/' + encodeURIComponent(name)) })));
    } catch (e) {
      box.textContent = e.status === 404 ? 'Log levels cannot be changed on this node (no /system/logger).'
        : `log levels unavailable: ${e.message}`;
      return;
    }
  }
  const grid = el('div', { class: 'loggers' });
  for (const l of loggers) {
    const select = el('select', { 'data-logger': l.name, 'aria-label': `level of ${l.name}` });
    for (const level of LEVELS) select.append(el('option', { value: level }, level));
    select.value = String(l.level).toLowerCase();
    select.addEventListener('change', async () => {
      const result = $('settings-result');
      try {
        await api('POST', `/system/logger/${encodeURIComponent(l.name)}?level=${select.value}`);
        showResult(result, true, `logger ${l.name} set to ${select.value}`);
      } catch (e) {
        showResult(result, false, `setting ${l.name}: ${e.message}`);
      }
    });
    grid.append(el('span', {}, l.name), select);
  }
  box.replaceChildren(grid);
}

// ------------------------------------------------------------------ actions
function showResult(box, ok, text) {
  box.className = 'result ' + (ok ? 'ok' : 'err');
  box.textContent = (ok ? '✓ ' : '✗ ') + text;
}

async function runAction(button, what, path, done) {
  const box = $('action-result');
  const buttons = document.querySelectorAll('.buttons button');
  buttons.forEach((b) => { b.disabled = true; });
  box.className = 'result';
  box.textContent = `${what}…`;
  const started = performance.now();
  try {
    await api('POST', path);
    showResult(box, true, `${done} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    loadSnapshots();
  } catch (e) {
    showResult(box, false, `${what} failed: ${e.message}`);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function keyspaceTarget() {
  const ks = $('action-keyspace').value;
  return { ks, label: ks ? `keyspace ${ks}` : 'all keyspaces' };
}

$('btn-flush').addEventListener('click', (ev) => {
  const { ks, label } = keyspaceTarget();
  runAction(ev.target, `Flushing ${label}`,
    ks ? `/storage_service/keyspace_flush/${encodeURIComponent(ks)}` : '/storage_service/flush', `Flushed ${label}`);
});
$('btn-compact').addEventListener('click', (ev) => {
  const { ks, label } = keyspaceTarget();
  runAction(ev.target, `Compacting ${label}`,
    ks ? `/storage_service/keyspace_compaction/${encodeURIComponent(ks)}` : '/storage_service/compact',
    `Compacted ${label}`);
});
$('btn-snapshot').addEventListener('click', (ev) => {
  const { ks, label } = keyspaceTarget();
  const tag = $('snapshot-tag').value.trim() || String(Date.now());
  const query = `tag=${encodeURIComponent(tag)}` + (ks ? `&kn=${encodeURIComponent(ks)}` : '');
  runAction(ev.target, `Snapshotting ${label}`, `/storage_service/snapshots?${query}`,
    `Snapshot ${tag} of ${label} taken`);
});
$('throughput-input').addEventListener('input', (ev) => { ev.target.dataset.edited = '1'; });
$('throughput-apply').addEventListener('click', async () => {
  const input = $('throughput-input');
  const box = $('settings-result');
  const value = input.value.trim();
  if (!/^\d+$/.test(value)) { showResult(box, false, 'enter a whole number of MB/s (0 = unthrottled)'); return; }
  try {
    await api('POST', `/storage_service/compaction_throughput?value=${value}`);
    const now = await api('GET', '/storage_service/compaction_throughput');
    delete input.dataset.edited;
    showResult(box, true, `compaction throughput is now ${now === 0 ? 'unthrottled' : now + ' MB/s'}`);
  } catch (e) {
    showResult(box, false, `setting compaction throughput: ${e.message}`);
  }
});
$('latency-kind').addEventListener('change', drawCharts);
$('show-system').addEventListener('change', () => { if (latest) renderTables(latest); });
window.addEventListener('resize', drawCharts);

poll();
pollLog();
loadHost();
loadSnapshots();
loadLoggers();
