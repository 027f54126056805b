// A run's live page: the report's page (FloeRunPage) drawn from the server's run-state of the
// workflow, polled every second until it has ended; suspend, resume, stop, retry and resubmit through the API; a
// task's node (inputs, outputs, message) and its log from the API.
(function () {
  'use strict';
  var ui = window.FloeUi, el = ui.el, page = window.FloeRunPage;
  var parts = location.pathname.split('/');
  var ns = decodeURIComponent(parts[2]), name = decodeURIComponent(parts[3]);
  var base = '/api/v1/workflows/' + encodeURIComponent(ns) + '/' + encodeURIComponent(name);
  var timer = null, current = null, workflow = null, workflowAt = 0;
  var logs = {};

  var actions = el('div', { id: 'actions' }, [
    el('a', { href: '/', 'class': 'back' }, ['\u2190 Workflows']),
    el('span', { 'class': 'muted' }, [ns + ' / ' + name]),
    el('span', { id: 'suspended-note', 'class': 'badge bg-Pending', hidden: 'hidden' }, ['Suspended']),
    button('suspend', 'Suspend', 'PUT', '/suspend'),
    button('resume', 'Resume', 'PUT', '/resume'),
    button('stop', 'Stop', 'PUT', '/stop'),
    button('retry', 'Retry', 'PUT', '/retry'),
    button('resubmit', 'Resubmit', 'PUT', '/resubmit')]);
  document.body.insertBefore(actions, document.getElementById('run-header'));

  function button(id, text, method, suffix) {
    return el('button', { id: id, type: 'button', onclick: function () {
      if (id !== 'resubmit' && id !== 'resume' && !confirm(text + ' ' + name + '?')) { return; }
      ui.api(method, base + suffix, { namespace: ns, name: name }).then(function (wf) {
        if (id === 'resubmit' && wf && wf.metadata && wf.metadata.name !== name) {
          location.href = '/workflows/' + encodeURIComponent(wf.metadata.namespace) + '/' + encodeURIComponent(wf.metadata.name);
          return;
        }
        ui.status(text + ': done');
        poll();
      }, function (e) { ui.status(text + ': ' + e.message, true); });
    } }, [text]);
  }

  function poll() {
    clearTimeout(timer);
    ui.api('GET', base + '/run-state').then(function (state) {
      current = state;
      workflow = null;
      page.render(state);
      document.body.setAttribute('data-phase', state.phase);
      drawn();
      var running = !state.finishedAt;
      document.getElementById('stop').disabled = !running;
      // Suspend holds the run's next tasks (those running go on); Resume lets them start and ends its suspend nodes' wait.
      document.getElementById('suspend').disabled = !running || state.suspended;
      document.getElementById('resume').disabled = !running;
      document.getElementById('suspended-note').hidden = !(running && state.suspended);
      document.body.setAttribute('data-suspended', running && state.suspended ? 'true' : 'false');
      showWaiting(running ? state.waiting || [] : []);
      document.getElementById('retry').disabled = !(state.phase === 'Failed' || state.phase === 'Error');
      timer = setTimeout(poll, running ? 1000 : 5000);
    }, function (e) {
      if (e.status === 404) {
        document.getElementById('run-header').textContent = 'No workflow ' + name + ' in ' + ns + '.';
      } else if (e.status !== 401) {
        ui.status(e.message, true);
      }
      timer = setTimeout(poll, 5000);
    });
  }

  /**
   * Marks when this page first drew its run: data-drawn-ms when the graph, timeline and header are
   * in the document, data-painted-ms after the next frame (ms since the navigation began).
   */
  function drawn() {
    var body = document.body;
    if (body.hasAttribute('data-drawn-ms')) { return; }
    body.setAttribute('data-drawn-ms', String(Math.round(performance.now())));
    requestAnimationFrame(function () {
      setTimeout(function () { body.setAttribute('data-painted-ms', String(Math.round(performance.now()))); }, 0);
    });
  }

  /** The workflow (its nodes), fetched at most once per poll, only when a task is shown. */
  function fetchWorkflow() {
    if (workflow) { return workflow; }
    workflow = ui.api('GET', base);
    return workflow;
  }

  /**
   * The suspend nodes that wait, each with the output parameters it takes (valueFrom.supplied,
   * defaults filled in) and Resume (argo node set with them and phase Succeeded) or Fail, as
   * Argo's UI offers them. Built again only when which nodes wait changes: typed values stay.
   */
  var waitingBox = el('div', { id: 'waiting-nodes' });
  document.body.insertBefore(waitingBox, document.getElementById('run-header'));
  var waitingIds = '';
  function showWaiting(waiting) {
    var ids = waiting.map(function (w) { return w.id; }).join(',');
    if (ids === waitingIds) { return; }
    waitingIds = ids;
    waitingBox.textContent = '';
    waiting.forEach(function (w) {
      var inputs = (w.parameters || []).map(function (p) {
        var i = el('input', { type: 'text', size: 16, 'data-param': p.name });
        i.value = p['default'] != null ? p['default'] : '';
        return el('label', { 'class': 'param' }, [p.name + ' ', i]);
      });
      function send(phase) {
        var values = {};
        inputs.forEach(function (l) { var i = l.querySelector('input'); values[i.getAttribute('data-param')] = i.value; });
        var body = { namespace: ns, name: name, nodeFieldSelector: 'id=' + w.id, phase: phase };
        if (inputs.length) { body.outputParameters = JSON.stringify(values); }
        if (phase === 'Failed') { body.message = 'failed from the web UI'; }
        ui.api('PUT', base + '/set', body).then(function () { ui.status(w.displayName + ': ' + (phase === 'Failed' ? 'failed' : 'resumed')); poll(); },
          function (e) { ui.status(e.message, true); });
      }
      waitingBox.appendChild(el('form', { 'class': 'submit waiting', 'data-node': w.displayName }, [
        el('span', { 'class': 'badge bg-Pending' }, ['Suspended']), el('strong', {}, [w.displayName])].concat(inputs).concat([
        el('button', { type: 'button', 'class': 'resume-node', onclick: function () { send('Succeeded'); } }, ['Resume']),
        el('button', { type: 'button', 'class': 'fail-node', onclick: function () { if (confirm('Fail ' + w.displayName + '?')) { send('Failed'); } } }, ['Fail'])])));
    });
  }

  page.hooks.task = function (stage, t, details) {
    var id = stage.nodes && stage.nodes[String(t.index)];
    if (!id) { return; }
    var facts = el('dl', { id: 'node-facts' });
    details.appendChild(facts);
    page.fact(facts, 'Node', el('code', {}, [id]));
    fetchWorkflow().then(function (wf) {
      var node = ((wf.status || {}).nodes || {})[id];
      if (!node) { return; }
      page.fact(facts, 'Name', node.name);
      page.fact(facts, 'Template', node.templateName || '-');
      var inputs = ((node.inputs || {}).parameters || []).map(function (p) { return p.name + '=' + p.value; });
      page.fact(facts, 'Inputs', el('code', { id: 'node-inputs' }, [inputs.length ? inputs.join('\n') : '-']));
      var out = node.outputs || {}, outs = [];
      if (out.exitCode != null) { outs.push('exitCode=' + out.exitCode); }
      (out.parameters || []).forEach(function (p) { outs.push(p.name + '=' + p.value); });
      if (out.result != null) { outs.push('result=' + out.result); }
      page.fact(facts, 'Outputs', el('code', { id: 'node-outputs' }, [outs.length ? outs.join('\n') : '-']));
      if (node.message) { page.fact(facts, 'Node message', el('span', { 'class': 'message', id: 'node-message' }, [node.message])); }
    }, function () {});
    var pre = el('pre', { id: 'task-log', 'class': 'log' }, ['loading the log\u2026']);
    details.appendChild(el('h4', {}, ['Log ', el('span', { 'class': 'muted' }, ['(all attempts, stdout and stderr)'])]));
    details.appendChild(pre);
    var cached = logs[id];
    if (cached && cached.phase === t.phase && t.phase !== 'Running') { pre.textContent = cached.text; pre.setAttribute('data-loaded', 'true'); return; }
    ui.api('GET', base + '/log?podName=' + encodeURIComponent(id) + '&logOptions.container=main').then(function (text) {
      var lines = [];
      String(typeof text === 'string' ? text : JSON.stringify(text)).split('\n').forEach(function (l) {
        if (!l.trim()) { return; }
        try { var r = JSON.parse(l).result; if (r && r.content != null) { lines.push(r.content); } } catch (e) { lines.push(l); }
      });
      var shown = lines.length ? lines.join('\n') : '(no output)';
      logs[id] = { phase: t.phase, text: shown };
      pre.textContent = shown;
      pre.setAttribute('data-loaded', 'true');
    }, function (e) { pre.textContent = 'could not read the log: ' + e.message; });
  };

  ui.onToken(poll);
  poll();
})();
