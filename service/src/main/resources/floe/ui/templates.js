// WorkflowTemplates, ClusterWorkflowTemplates and CronWorkflows: listed with a submit form (the
// template's parameters, defaults filled in), a CronWorkflow's schedule, last and next runs, suspend and resume.
(function () {
  'use strict';
  var ui = window.FloeUi, el = ui.el;

  function runPage(wf) {
    location.href = '/workflows/' + encodeURIComponent(wf.metadata.namespace) + '/' + encodeURIComponent(wf.metadata.name);
  }
  function submitForm(kind, o) {
    var ns = o.metadata.namespace || 'default';
    var spec = kind === 'CronWorkflow' ? (o.spec.workflowSpec || {}) : o.spec;
    var params = ((spec.arguments || {}).parameters || []);
    var inputs = params.map(function (p) {
      var i = el('input', { type: 'text', name: p.name, size: 10, 'data-param': p.name });
      i.value = p.value != null ? p.value : (p['default'] != null ? p['default'] : '');
      return el('label', { 'class': 'param' }, [p.name + ' ', i]);
    });
    var nsInput = kind === 'ClusterWorkflowTemplate' ? el('input', { type: 'text', size: 8, 'data-namespace': 'true', value: 'argo' }) : null;
    var form = el('form', { 'class': 'submit', 'data-kind': kind, 'data-name': o.metadata.name },
      inputs.concat(nsInput ? [el('label', {}, ['namespace ', nsInput])] : []).concat([el('button', { type: 'submit' }, ['Submit'])]));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var values = inputs.map(function (l) { var i = l.querySelector('input'); return i.name + '=' + i.value; });
      var target = nsInput ? nsInput.value.trim() : ns;
      ui.api('POST', '/api/v1/workflows/' + encodeURIComponent(target) + '/submit', { namespace: target, resourceKind: kind,
        resourceName: o.metadata.name, submitOptions: { parameters: values } }).then(runPage, function (e) { ui.status(e.message, true); });
    });
    return form;
  }

  function templates() {
    Promise.all([ui.api('GET', '/api/v1/workflow-templates/'), ui.api('GET', '/api/v1/cluster-workflow-templates').catch(function () { return {}; })])
      .then(function (lists) {
        var body = document.querySelector('#templates tbody');
        body.textContent = '';
        var rows = (lists[0].items || []).map(function (o) { return ['WorkflowTemplate', o]; })
          .concat((lists[1].items || []).map(function (o) { return ['ClusterWorkflowTemplate', o]; }));
        rows.forEach(function (r) {
          var o = r[1];
          var params = (((o.spec || {}).arguments || {}).parameters || []).map(function (p) { return p.name; }).join(', ');
          body.appendChild(el('tr', { 'class': 'template', 'data-name': o.metadata.name }, [
            el('td', {}, [el('b', {}, [o.metadata.name])]), el('td', {}, [r[0] === 'ClusterWorkflowTemplate' ? '(cluster)' : o.metadata.namespace]),
            el('td', {}, [(o.spec || {}).entrypoint || '-']), el('td', {}, [params || '-']), el('td', {}, [submitForm(r[0], o)])]));
        });
        if (!rows.length) { body.appendChild(el('tr', {}, [el('td', { colspan: 5, 'class': 'muted' }, ['No template.'])])); }
      }, function (e) { if (e.status !== 401) { ui.status(e.message, true); } });
  }

  function crons() {
    ui.api('GET', '/api/v1/cron-workflows/').then(function (list) {
      var body = document.querySelector('#crons tbody');
      body.textContent = '';
      (list.items || []).forEach(function (o) {
        var ns = o.metadata.namespace, name = o.metadata.name, spec = o.spec || {}, st = o.status || {};
        var base = '/api/v1/cron-workflows/' + encodeURIComponent(ns) + '/' + encodeURIComponent(name);
        var next = el('td', { 'class': 'next' }, ['\u2026']);
        var schedules = (spec.schedules || (spec.schedule ? [spec.schedule] : [])).join(' | ') + (spec.timezone ? ' (' + spec.timezone + ')' : '');
        var toggle = el('button', { type: 'button', onclick: function () {
          ui.api('PUT', base + (spec.suspend ? '/resume' : '/suspend'), { namespace: ns, name: name }).then(crons, function (e) { ui.status(e.message, true); });
        } }, [spec.suspend ? 'Resume' : 'Suspend']);
        body.appendChild(el('tr', { 'class': 'cron', 'data-name': name }, [
          el('td', {}, [el('b', {}, [name]), spec.suspend ? el('span', { 'class': 'muted' }, [' suspended']) : null]),
          el('td', {}, [ns]), el('td', {}, [el('code', {}, [schedules])]), el('td', {}, [spec.concurrencyPolicy || 'Allow']),
          el('td', {}, [ui.time(st.lastScheduledTime)]), next, el('td', {}, [submitForm('CronWorkflow', o), toggle])]));
        ui.api('GET', base + '/next?count=3').then(function (n) {
          next.textContent = '';
          (n.times || []).forEach(function (t) { next.appendChild(el('div', {}, [ui.time(t)])); });
          if (!(n.times || []).length) { next.textContent = '-'; }
        }, function () { next.textContent = '-'; });
      });
      if (!(list.items || []).length) { body.appendChild(el('tr', {}, [el('td', { colspan: 7, 'class': 'muted' }, ['No cron workflow.'])])); }
    }, function (e) { if (e.status !== 401) { ui.status(e.message, true); } });
  }

  function load() { templates(); crons(); }
  ui.onToken(load);
  load();
})();
