// The run page: draws a run's state (RunStateJson) as a graph, a timeline and task details.
// FloeRunPage.render(state) draws it again from a newer state (a live page).
(function () {
  'use strict';
  var PHASE = { S: 'Succeeded', F: 'Failed', E: 'Error', R: 'Running', P: 'Pending', K: 'Skipped', O: 'Omitted' };
  var ORDER = ['Succeeded', 'Failed', 'Error', 'Running', 'Pending', 'Skipped', 'Omitted'];
  var COLOR = { Succeeded: '#18be94', Failed: '#e96d76', Error: '#d1454f', Running: '#0dadea', Pending: '#f0c242',
    Skipped: '#a0b0bb', Omitted: '#ccd6dd' };
  var SVGNS = 'http://www.w3.org/2000/svg';
  var PAGE = 100;
  var state = null;
  var selection = null;

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    setAll(e, attrs);
    (children || []).forEach(function (c) {
      if (c != null) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); }
    });
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    setAll(e, attrs);
    if (text != null) { e.textContent = text; }
    return e;
  }
  function setAll(e, attrs) {
    for (var k in (attrs || {})) {
      if (attrs[k] == null) { continue; }
      if (k === 'text') { e.textContent = attrs[k]; } else if (k === 'onclick') { e.addEventListener('click', attrs[k]); } else { e.setAttribute(k, attrs[k]); }
    }
  }
  function pad(n, w) { var s = String(n); while (s.length < w) { s = '0' + s; } return s; }
  function time(ms) {
    if (!ms) { return '-'; }
    var d = new Date(ms);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1, 2) + '-' + pad(d.getDate(), 2) + ' ' + pad(d.getHours(), 2) + ':' +
      pad(d.getMinutes(), 2) + ':' + pad(d.getSeconds(), 2) + '.' + pad(d.getMilliseconds(), 3);
  }
  function duration(ms) {
    if (ms == null || ms < 0) { return '-'; }
    if (ms < 1000) { return ms + ' ms'; }
    if (ms < 60000) { return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s'; }
    var s = Math.round(ms / 1000);
    if (s < 3600) { return Math.floor(s / 60) + 'm ' + (s % 60) + 's'; }
    return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
  }
  function number(n) { return n.toLocaleString('en-US'); }
  function badge(phase) { return el('span', { 'class': 'badge bg-' + phase, 'data-phase': phase, text: phase }); }
  function label(stage) { return (stage.part === 'onExit' ? 'onExit \u00b7 ' : '') + stage.name; }
  function runEnd() { return state.finishedAt || Date.now(); }

  /** Task k (the k-th record) of a stage, as an object. */
  function task(stage, k) {
    var t = stage.t;
    var message = t.m[String(t.i[k])];
    return { stage: stage, k: k, index: t.i[k], phase: PHASE[t.p.charAt(k)], start: state.startedAt + t.s[k], duration: t.d[k],
      attempts: t.a[k], exitCode: t.x[k], message: message == null ? null : message };
  }
  /** The record of task {@code index}, or -1 (binary search: records are sorted by index). */
  function find(stage, index) {
    var lo = 0, hi = stage.t.i.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1, v = stage.t.i[mid];
      if (v === index) { return mid; }
      if (v < index) { lo = mid + 1; } else { hi = mid - 1; }
    }
    return -1;
  }
  function unrecordedPhase() { return state.finishedAt ? 'Omitted' : 'Pending'; }
  function countsText(stage) {
    var parts = [];
    ORDER.forEach(function (p) { if (stage.counts[p]) { parts.push(number(stage.counts[p]) + ' ' + p); } });
    return parts.join(' \u00b7 ');
  }

  function header() {
    var h = document.getElementById('run-header');
    h.textContent = '';
    h.appendChild(el('h1', {}, [state.workflow]));
    h.appendChild(badge(state.phase));
    h.appendChild(el('span', { 'class': 'fact' }, ['started ', el('b', {}, [time(state.startedAt)])]));
    h.appendChild(el('span', { 'class': 'fact' }, ['finished ', el('b', {}, [state.finishedAt ? time(state.finishedAt) : 'running'])]));
    h.appendChild(el('span', { 'class': 'fact' }, ['duration ', el('b', {}, [duration(runEnd() - state.startedAt)])]));
    h.appendChild(el('span', { 'class': 'fact', id: 'progress' }, ['progress ', el('b', {}, [state.progress])]));
    if (state.message) { h.appendChild(el('div', { 'class': 'message', id: 'run-message' }, [state.message])); }
    document.title = state.workflow + ' \u00b7 ' + state.phase + ' \u00b7 Floe';
  }

  function graph() {
    var box = document.getElementById('graph');
    box.textContent = '';
    var layout = state.layout;
    var root = svg('svg', { width: layout.width, height: layout.height, viewBox: '0 0 ' + layout.width + ' ' + layout.height });
    var defs = svg('defs');
    var marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
    marker.appendChild(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#9fb2c0' }));
    defs.appendChild(marker);
    root.appendChild(defs);
    layout.edges.forEach(function (e) {
      var p = e.points, d = '';
      for (var i = 0; i < p.length; i += 2) { d += (i ? ' L' : 'M') + p[i] + ',' + p[i + 1]; }
      root.appendChild(svg('path', { 'class': 'edge', d: d, 'marker-end': 'url(#arrow)' }));
    });
    state.stages.forEach(function (stage, n) { root.appendChild(node(stage, layout.nodes[n])); });
    box.appendChild(root);
  }

  function node(stage, b) {
    var g = svg('g', { 'class': 'node phase-' + stage.phase, transform: 'translate(' + b[0] + ',' + b[1] + ')', 'data-stage': stage.name,
      'data-part': stage.part, 'data-phase': stage.phase, 'data-tasks': stage.tasks });
    g.appendChild(svg('title', {}, label(stage) + ': ' + stage.phase));
    g.appendChild(svg('rect', { 'class': 'frame', width: b[2], height: b[3] }));
    g.appendChild(svg('rect', { 'class': 'stripe fill-' + stage.phase, x: 0, y: 0, width: 5, height: b[3] }));
    g.appendChild(svg('text', { 'class': 'name', x: 12, y: 18 }, clip(label(stage), stage.grid || stage.tasks > 1 ? 26 : 36)));
    var single = stage.tasks === 1 && !stage.grid && b[3] < 50;
    if (single) {
      var k = stage.t.i.length ? 0 : -1;
      var t = k >= 0 ? task(stage, 0) : null;
      g.appendChild(svg('text', { 'class': 'counts', x: 12, y: 35 }, (t ? t.phase + ' \u00b7 ' + duration(t.duration) : stage.phase)));
      g.addEventListener('click', function () { if (t) { showTask(stage, 0); } else { showStage(stage); } });
      return g;
    }
    g.appendChild(svg('text', { 'class': 'size', x: b[2] - 8, y: 18, 'text-anchor': 'end' }, number(stage.tasks) + ' tasks'));
    g.appendChild(svg('text', { 'class': 'counts', x: 12, y: 33 }, countsText(stage)));
    // a bar of the stage's phases, in proportion
    var x = 12, width = b[2] - 24;
    ORDER.forEach(function (p) {
      var c = stage.counts[p] || 0;
      if (!c) { return; }
      var w = width * c / Math.max(1, stage.tasks);
      g.appendChild(svg('rect', { 'class': 'bar fill-' + p, x: x.toFixed(1), y: 40, width: Math.max(w, 1).toFixed(1), height: 6 }));
      x += w;
    });
    if (stage.grid) {
      var columns = state.layout.columns, size = state.layout.cell, top = state.layout.header;
      for (var i = 0; i < stage.tasks; i++) {
        var r = find(stage, i);
        var phase = r >= 0 ? PHASE[stage.t.p.charAt(r)] : unrecordedPhase();
        var cell = svg('rect', { 'class': 'task fill-' + phase, x: 8 + (i % columns) * size, y: top + Math.floor(i / columns) * size, width: size - 2, height: size - 2,
          rx: 2, 'data-task': i, 'data-phase': phase });
        cell.appendChild(svg('title', {}, stage.name + '(' + i + ') ' + phase + (r >= 0 ? ' \u00b7 ' + duration(stage.t.d[r]) : '')));
        (function (index, rec) {
          cell.addEventListener('click', function (ev) {
            ev.stopPropagation();
            if (rec >= 0) { showTask(stage, rec); } else { showStage(stage); }
          });
        })(i, r);
        g.appendChild(cell);
      }
    }
    g.addEventListener('click', function () { showStage(stage); });
    return g;
  }
  function clip(s, n) { return s.length > n ? s.substring(0, n - 1) + '\u2026' : s; }

  /** Tasks of each stage packed into rows (a task goes in the first row free at its start). */
  function lanes() {
    return state.stages.filter(function (s) { return s.t.i.length > 0; }).map(function (stage) {
      var order = stage.t.i.map(function (_, k) { return k; });
      order.sort(function (a, b) { return stage.t.s[a] - stage.t.s[b]; });
      var ends = [], row = new Int32Array(order.length), rows = [];
      order.forEach(function (k) {
        var start = stage.t.s[k], r = 0;
        while (r < ends.length && ends[r] > start) { r++; }
        ends[r] = start + Math.max(1, stage.t.d[k]);
        row[k] = r;
        (rows[r] = rows[r] || []).push(k);
      });
      var height = ends.length <= 12 ? 10 : Math.max(2, Math.floor(140 / ends.length));
      return { stage: stage, row: row, rows: rows, rowHeight: height, height: ends.length * height + 10 };
    });
  }

  function timeline() {
    var box = document.getElementById('timeline');
    box.textContent = '';
    var list = lanes();
    if (!list.length) { box.appendChild(el('p', { 'class': 'hint' }, ['No task has ended yet.'])); return; }
    var span = Math.max(1, runEnd() - state.startedAt);
    list.forEach(function (l) { for (var k = 0; k < l.stage.t.s.length; k++) { span = Math.max(span, l.stage.t.s[k] + l.stage.t.d[k]); } });
    var labelWidth = 190, axis = 22;
    var width = Math.max(640, box.clientWidth || 900), plot = width - labelWidth - 12;
    var height = axis + list.reduce(function (h, l) { return h + l.height; }, 0);
    var ratio = window.devicePixelRatio || 1;
    var canvas = el('canvas', { width: Math.round(width * ratio), height: Math.round(height * ratio), id: 'timeline-canvas' });
    canvas.style.width = width + 'px';
    canvas.style.height = height + 'px';
    var c = canvas.getContext('2d');
    c.scale(ratio, ratio);
    c.font = '11px sans-serif';
    // the time axis
    var step = niceStep(span / 8);
    c.fillStyle = '#6b7c8c';
    c.strokeStyle = '#eef2f5';
    for (var t = 0; t <= span; t += step) {
      var x = labelWidth + plot * t / span;
      c.fillText(duration(t), x + 2, 13);
      c.beginPath(); c.moveTo(x + 0.5, axis - 4); c.lineTo(x + 0.5, height); c.stroke();
    }
    var y = axis;
    list.forEach(function (l) {
      l.top = y;
      c.fillStyle = '#2c3e50';
      c.fillText(clip(label(l.stage), 28), 4, y + 11);
      var t = l.stage.t;
      for (var k = 0; k < t.i.length; k++) {
        c.fillStyle = COLOR[PHASE[t.p.charAt(k)]];
        var x0 = labelWidth + plot * t.s[k] / span;
        var w = Math.max(1, plot * t.d[k] / span);
        c.fillRect(x0, y + 4 + l.row[k] * l.rowHeight, w, Math.max(1, l.rowHeight - (l.rowHeight > 3 ? 1 : 0)));
      }
      c.strokeStyle = '#dde6ed';
      c.beginPath(); c.moveTo(0, y + l.height + 0.5); c.lineTo(width, y + l.height + 0.5); c.stroke();
      y += l.height;
    });
    canvas.addEventListener('click', function (ev) {
      var rect = canvas.getBoundingClientRect();
      var px = ev.clientX - rect.left, py = ev.clientY - rect.top;
      var at = (px - labelWidth) / plot * span, slack = 3 / plot * span;
      list.forEach(function (l) {
        if (py < l.top || py >= l.top + l.height) { return; }
        var r = Math.floor((py - l.top - 4) / l.rowHeight);
        var best = -1;
        (l.rows[r] || []).forEach(function (k) {
          if (l.stage.t.s[k] - slack <= at && at <= l.stage.t.s[k] + l.stage.t.d[k] + slack) { best = k; }
        });
        if (best >= 0) { showTask(l.stage, best); } else { showStage(l.stage); }
      });
    });
    box.appendChild(canvas);
  }
  function niceStep(raw) {
    var steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000, 900000,
      1800000, 3600000, 7200000, 14400000, 43200000, 86400000];
    for (var i = 0; i < steps.length; i++) { if (steps[i] >= raw) { return steps[i]; } }
    return steps[steps.length - 1];
  }

  function select(stage) {
    Array.prototype.forEach.call(document.querySelectorAll('.node.selected'), function (n) { n.classList.remove('selected'); });
    var n = document.querySelector('.node[data-part="' + stage.part + '"][data-stage="' + cssEscape(stage.name) + '"]');
    if (n) { n.classList.add('selected'); }
  }
  function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s; }

  function showStage(stage, filter, shown) {
    selection = { part: stage.part, stage: stage.name };
    select(stage);
    var d = document.getElementById('details');
    d.textContent = '';
    d.setAttribute('data-view', 'stage');
    d.appendChild(el('h3', {}, [label(stage) + ' ', badge(stage.phase)]));
    var facts = el('dl');
    fact(facts, 'Tasks', number(stage.tasks) + (stage.counts ? ' (' + countsText(stage) + ')' : ''));
    fact(facts, 'After', stage.after.length ? stage.after.join(', ') : '-');
    if (stage.t.i.length) {
      var total = 0, max = 0, retries = 0;
      for (var k = 0; k < stage.t.d.length; k++) { total += stage.t.d[k]; max = Math.max(max, stage.t.d[k]); retries += stage.t.a[k] - 1; }
      fact(facts, 'Task time', 'avg ' + duration(Math.round(total / stage.t.d.length)) + ', max ' + duration(max));
      fact(facts, 'Retries', String(retries));
    }
    if (stage.logs) { fact(facts, 'Logs', el('a', { href: fileUrl(stage.logs), 'class': 'log' }, [stage.logs])); }
    d.appendChild(facts);
    var filters = el('div', { 'class': 'filters' }, ['Show: ']);
    ['All'].concat(ORDER.filter(function (p) { return stage.counts[p] && p !== 'Omitted' && p !== 'Pending'; })).forEach(function (p) {
      filters.appendChild(el('button', { 'class': (filter || 'All') === p ? 'on' : '', 'data-filter': p,
        onclick: function () { showStage(stage, p); } }, [p + (p === 'All' ? '' : ' ' + number(stage.counts[p]))]));
    });
    d.appendChild(filters);
    var rows = [];
    for (var j = 0; j < stage.t.i.length; j++) {
      if (!filter || filter === 'All' || PHASE[stage.t.p.charAt(j)] === filter) { rows.push(j); }
    }
    var limit = shown || PAGE;
    var table = el('table', { id: 'tasks' }, [el('tr', {}, ['Task', 'Phase', 'Started', 'Duration', 'Attempts', 'Exit', 'Message']
      .map(function (h) { return el('th', {}, [h]); }))]);
    rows.slice(0, limit).forEach(function (k) {
      var t = task(stage, k);
      var tr = el('tr', { 'class': 'task-row', 'data-task': t.index, onclick: function () { showTask(stage, k); } }, [
        el('td', {}, [stage.name + '(' + t.index + ')']), el('td', {}, [badge(t.phase)]), el('td', {}, [time(t.start)]),
        el('td', { 'class': 'num' }, [duration(t.duration)]), el('td', { 'class': 'num' }, [String(t.attempts)]),
        el('td', { 'class': 'num' }, [t.exitCode == null ? '' : String(t.exitCode)]), el('td', { 'class': 'msg' }, [t.message || ''])]);
      table.appendChild(tr);
    });
    d.appendChild(table);
    if (rows.length > limit) {
      d.appendChild(el('button', { 'class': 'more', onclick: function () { showStage(stage, filter, limit + 5 * PAGE); } },
        ['Show more (' + number(rows.length - limit) + ' not shown)']));
    }
    if (!stage.t.i.length) { d.appendChild(el('p', { 'class': 'hint' }, ['No task of this stage ' + (state.finishedAt ? 'ran.' : 'has ended yet.')])); }
  }

  function showTask(stage, k) {
    var t = task(stage, k);
    selection = { part: stage.part, stage: stage.name, index: t.index };
    select(stage);
    var d = document.getElementById('details');
    d.textContent = '';
    d.setAttribute('data-view', 'task');
    d.appendChild(el('h3', {}, [stage.name + '(' + t.index + ') ', badge(t.phase)]));
    var facts = el('dl', { id: 'task-facts' });
    fact(facts, 'Stage', el('a', { href: '#', onclick: function (ev) { ev.preventDefault(); showStage(stage); } }, [label(stage)]));
    fact(facts, 'Started', time(t.start));
    fact(facts, 'Finished', time(t.start + t.duration));
    fact(facts, 'Duration', duration(t.duration));
    fact(facts, 'Attempts', String(t.attempts));
    fact(facts, 'Exit code', t.exitCode == null ? '-' : String(t.exitCode));
    if (t.message) { fact(facts, 'Message', el('span', { 'class': 'message', id: 'task-message' }, [t.message])); }
    if (stage.logs) {
      var logs = el('div', { id: 'task-logs' });
      // stage.t.l, where present, says which files each attempt left: bit 2(a-1) stdout, 2(a-1)+1 stderr
      var flags = stage.t.l ? stage.t.l[k] : -1;
      for (var a = 1; a <= t.attempts; a++) {
        var base = stage.logs + '/task-' + pad(t.index, 5) + '.attempt-' + a;
        var line = el('div', { 'data-attempt': a }, ['attempt ' + a + ': ']);
        var out = flags < 0 || a > 15 || (flags >> (2 * (a - 1))) & 1, err = flags < 0 || a > 15 || (flags >> (2 * (a - 1) + 1)) & 1;
        if (out) { line.appendChild(el('a', { 'class': 'log', href: fileUrl(base + '.out'), target: '_blank', 'data-log': 'out' }, ['stdout'])); }
        if (err) { line.appendChild(el('a', { 'class': 'log', href: fileUrl(base + '.err'), target: '_blank', 'data-log': 'err' }, ['stderr'])); }
        if (!out && !err) { line.appendChild(el('span', { 'class': 'hint' }, ['no output written (' + base + '.out)'])); }
        logs.appendChild(line);
      }
      fact(facts, 'Logs', logs);
    }
    d.appendChild(facts);
    if (hooks.task) { hooks.task(stage, t, d); }
  }
  function fact(dl, name, value) {
    dl.appendChild(el('dt', {}, [name]));
    dl.appendChild(el('dd', {}, [value]));
  }
  function fileUrl(path) { return 'file://' + encodeURI(path).replace(/#/g, '%23').replace(/\?/g, '%3F'); }

  function render(next) {
    state = next;
    header();
    graph();
    timeline();
    if (selection) {
      var stage = state.stages.filter(function (s) { return s.part === selection.part && s.name === selection.stage; })[0];
      if (stage && selection.index != null && find(stage, selection.index) >= 0) { showTask(stage, find(stage, selection.index)); } else if (stage) { showStage(stage); }
    }
  }

  // hooks.task(stage, task, details): a live page adds to a task's details (its node's inputs, outputs, log).
  var hooks = {};
  window.FloeRunPage = { render: render, state: function () { return state; }, hooks: hooks, fact: fact, el: el };
  var started = performance.now();
  var initial = JSON.parse(document.getElementById('run-state').textContent);
  // A live page comes with no state: its script fetches one and calls render.
  if (initial) {
    render(initial);
    document.body.setAttribute('data-rendered-ms', String(Math.round(performance.now() - started)));
  }
})();
