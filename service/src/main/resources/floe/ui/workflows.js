// The workflows list: the server's /api/v1/workflows, filtered by phase and label selector, refreshed every 2 s.
(function () {
  'use strict';
  var ui = window.FloeUi, el = ui.el;
  var FIELDS = 'items.metadata.name,items.metadata.namespace,items.metadata.labels,items.metadata.creationTimestamp,' +
    'items.status.phase,items.status.startedAt,items.status.finishedAt,items.status.progress,items.status.message';
  var timer = null;
  var phase = document.getElementById('phase'), labels = document.getElementById('labels');
  var params = new URLSearchParams(location.search);
  phase.value = params.get('phase') || '';
  labels.value = params.get('labels') || '';

  function load() {
    clearTimeout(timer);
    var q = 'fields=' + encodeURIComponent(FIELDS);
    var selector = labels.value.trim();
    if (phase.value) { selector = (selector ? selector + ',' : '') + 'workflows.argoproj.io/phase=' + phase.value; }
    if (selector) { q += '&listOptions.labelSelector=' + encodeURIComponent(selector); }
    ui.api('GET', '/api/v1/workflows/?' + q).then(show, function (e) {
      if (e.status !== 401) { ui.status(e.message, true); }
    }).then(function () { timer = setTimeout(load, 2000); });
  }

  function clip(text, n) { return text.length > n ? text.substring(0, n - 1) + '\u2026' : text; }

  function show(list) {
    var items = (list.items || []).slice();
    items.sort(function (a, b) { return (b.metadata.creationTimestamp || '').localeCompare(a.metadata.creationTimestamp || '') || b.metadata.name.localeCompare(a.metadata.name); });
    var body = document.querySelector('#workflows tbody');
    body.textContent = '';
    items.forEach(function (wf) {
      var m = wf.metadata, s = wf.status || {};
      var start = s.startedAt ? Date.parse(s.startedAt) : null;
      var end = s.finishedAt ? Date.parse(s.finishedAt) : Date.now();
      var href = '/workflows/' + encodeURIComponent(m.namespace) + '/' + encodeURIComponent(m.name);
      body.appendChild(el('tr', { 'class': 'wf', 'data-name': m.name, 'data-phase': s.phase || 'Pending' }, [
        el('td', {}, [el('a', { href: href }, [m.name])]),
        el('td', {}, [m.namespace]),
        el('td', {}, [ui.badge(s.phase || 'Pending')]),
        el('td', {}, [ui.time(s.startedAt)]),
        el('td', { 'class': 'num' }, [start ? ui.duration(end - start) : '-']),
        el('td', { 'class': 'num progress' }, [s.progress || '-']),
        el('td', { 'class': 'msg', title: s.message || '' }, [clip(s.message || '', 160)])]));
    });
    if (!items.length) { body.appendChild(el('tr', {}, [el('td', { colspan: 7, 'class': 'muted' }, ['No workflow.'])])); }
    document.getElementById('count').textContent = items.length + ' workflow' + (items.length === 1 ? '' : 's');
  }

  document.getElementById('filters').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var p = new URLSearchParams();
    if (phase.value) { p.set('phase', phase.value); }
    if (labels.value.trim()) { p.set('labels', labels.value.trim()); }
    history.replaceState(null, '', '/' + (p.toString() ? '?' + p : ''));
    load();
  });
  phase.addEventListener('change', function () { document.getElementById('filters').requestSubmit(); });
  ui.onToken(load);
  load();
})();
