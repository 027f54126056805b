// The Batch pages, as AWS Batch's console lists them: /batch the job queues (state, status,
// priority, compute environment, jobs by status), /batch/queues/QUEUE?status=S a queue's jobs in one
// status, /batch/jobs/ID a job: its attempts, an array job's children, its dependencies and log.
// Read from the server's /api/v1/batch/... with the token typed above; refreshed every 3 s.
(function () {
  'use strict';
  var ui = window.FloeUi, el = ui.el;
  var STATUSES = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED'];
  var main = document.getElementById('batch');
  var parts = location.pathname.split('/').map(decodeURIComponent);
  var params = new URLSearchParams(location.search);
  var timer = null;

  function enc(s) { return encodeURIComponent(s); }
  function jobHref(id) { return '/batch/jobs/' + enc(id); }
  function queueHref(q, status) { return '/batch/queues/' + enc(q) + (status ? '?status=' + status : ''); }
  function queueName(arn) { return String(arn || '').replace(/^.*:job-queue\//, ''); }
  function badge(status) { return el('span', { 'class': 'badge bg-' + status, 'data-status': status }, [status]); }
  function ms(t) { return t ? ui.time(new Date(t).toISOString()) : '-'; }
  function section(title, id, children) {
    return el('section', { id: id }, [el('h2', {}, [title])].concat(children || []));
  }
  function table(id, heads, rows, empty) {
    var body = el('tbody', {}, rows.length ? rows : [el('tr', {}, [el('td', { colspan: heads.length, 'class': 'muted' }, [empty])])]);
    return el('table', { id: id }, [el('thead', {}, [el('tr', {}, heads.map(function (h) { return el('th', {}, [h]); }))]), body]);
  }
  function show(nodes) {
    main.textContent = '';
    nodes.forEach(function (n) { main.appendChild(n); });
  }
  function refresh(load) {
    clearTimeout(timer);
    load().then(function () { timer = setTimeout(function () { refresh(load); }, 3000); }, function (e) {
      if (e.status === 403) { ui.status('This token may not read Batch jobs: the Batch pages need a token allowed every namespace (*).', true); }
      else if (e.status !== 401) { ui.status(e.message, true); }
      timer = setTimeout(function () { refresh(load); }, 5000);
    });
  }

  // ---- the job queues ----
  function queues() {
    return ui.api('GET', '/api/v1/batch/job-queues').then(function (answer) {
      var rows = (answer.jobQueues || []).map(function (q) {
        var counts = q.jobCounts || {};
        return el('tr', { 'class': 'queue', 'data-name': q.jobQueueName }, [
          el('td', {}, [el('a', { href: queueHref(q.jobQueueName) }, [q.jobQueueName])]),
          el('td', {}, [q.state]), el('td', {}, [q.status]), el('td', { 'class': 'num' }, [String(q.priority)]),
          el('td', { 'class': 'muted' }, [(q.computeEnvironmentOrder || []).map(function (c) { return c.computeEnvironment; }).join(', ')
            || q.computeEnvironment || '-'])].concat(STATUSES.map(function (s) {
            return el('td', { 'class': 'num count', 'data-status': s }, [counts[s]
              ? el('a', { href: queueHref(q.jobQueueName, s) }, [String(counts[s])]) : '0']);
          })));
      });
      show([section('Job queues', 'queues', [table('job-queues', ['Name', 'State', 'Status', 'Priority', 'Compute environment']
        .concat(STATUSES), rows, 'No job queue.')])]);
    });
  }

  // ---- a queue's jobs in one status ----
  function queueJobs(queue) {
    var status = STATUSES.indexOf(params.get('status')) >= 0 ? params.get('status') : 'RUNNING';
    return Promise.all([ui.api('GET', '/api/v1/batch/job-queues'),
      ui.api('GET', '/api/v1/batch/job-queues/' + enc(queue) + '/jobs?status=' + status
        + (params.get('next') ? '&nextToken=' + enc(params.get('next')) : ''))]).then(function (r) {
      var q = (r[0].jobQueues || []).filter(function (x) { return x.jobQueueName === queue; })[0] || { jobCounts: {} };
      var tabs = el('div', { 'class': 'toolbar tabs', id: 'status-tabs' }, STATUSES.map(function (s) {
        return el('a', { href: queueHref(queue, s), 'class': 'tab' + (s === status ? ' on' : ''), 'data-status': s },
          [s + ' ', el('span', { 'class': 'n' }, [String((q.jobCounts || {})[s] || 0)])]);
      }));
      var rows = (r[1].jobSummaryList || []).map(function (j) {
        var c = j.container || {};
        return el('tr', { 'class': 'job', 'data-id': j.jobId, 'data-name': j.jobName }, [
          el('td', {}, [el('a', { href: jobHref(j.jobId) }, [j.jobName])]),
          el('td', { 'class': 'muted id' }, [j.jobId]),
          el('td', {}, [badge(j.status)]),
          el('td', { 'class': 'num' }, [j.arrayProperties && j.arrayProperties.size ? String(j.arrayProperties.size) : '-']),
          el('td', {}, [ms(j.createdAt)]), el('td', {}, [ms(j.startedAt)]), el('td', {}, [ms(j.stoppedAt)]),
          el('td', { 'class': 'num' }, [c.exitCode != null ? String(c.exitCode) : '-']),
          el('td', { 'class': 'msg' }, [j.statusReason || ''])]);
      });
      // 100 a page, as ListJobs answers them.
      var more = el('p', { 'class': 'muted', id: 'pages' }, [params.get('next') ? el('a', { href: queueHref(queue, status) }, ['\u2190 first 100']) : null,
        params.get('next') && r[1].nextToken ? ' \u00b7 ' : null,
        r[1].nextToken ? el('a', { href: queueHref(queue, status) + '&next=' + enc(r[1].nextToken), id: 'next-page' }, ['next 100 \u2192']) : null]);
      show([el('p', { 'class': 'crumbs' }, [el('a', { href: '/batch' }, ['Job queues']), ' / ', queue]),
        section('Jobs of ' + queue, 'jobs', [tabs, table('queue-jobs', ['Name', 'Job id', 'Status', 'Array size', 'Created', 'Started',
          'Stopped', 'Exit code', 'Status reason'], rows, 'No ' + status + ' job.'), more])]);
    });
  }

  // ---- a job ----
  var shownLog = null;
  function job(id) {
    var childStatus = STATUSES.indexOf(params.get('children')) >= 0 ? params.get('children') : '';
    return ui.api('GET', '/api/v1/batch/jobs/' + enc(id) + (childStatus ? '?childStatus=' + childStatus : '')).then(function (j) {
      var queue = queueName(j.jobQueue);
      var c = j.container || {};
      var facts = el('dl', { 'class': 'facts', id: 'job-facts' }, []);
      function fact(k, v) { facts.appendChild(el('dt', {}, [k])); facts.appendChild(el('dd', {}, [v])); }
      fact('Job id', el('code', {}, [j.jobId]));
      fact('Queue', el('a', { href: queueHref(queue, j.status) }, [queue]));
      fact('Definition', String(j.jobDefinition || '').replace(/^.*:job-definition\//, ''));
      fact('Created', ms(j.createdAt));
      fact('Started', ms(j.startedAt));
      fact('Stopped', ms(j.stoppedAt));
      if (c.command) { fact('Command', el('code', {}, [c.command.join(' ')])); }
      if (c.exitCode != null) { fact('Exit code', String(c.exitCode)); }
      var parent = j.jobId.indexOf(':') > 0 ? j.jobId.substring(0, j.jobId.indexOf(':')) : null;
      var index = j.arrayProperties && j.arrayProperties.index != null ? j.arrayProperties.index : null;
      var title = j.jobName + (index != null ? ' [' + index + ']' : '');
      var out = [el('p', { 'class': 'crumbs' }, [el('a', { href: '/batch' }, ['Job queues']), ' / ',
        el('a', { href: queueHref(queue, j.status) }, [queue]), ' / ',
        parent ? el('a', { href: jobHref(parent) }, [j.jobName]) : null, parent ? ' / ' : null, parent ? 'child ' + index : j.jobName]),
        el('section', { id: 'job-header' }, [el('h2', {}, [parent ? 'Array child' : 'Job']), el('h3', { id: 'job-title' }, [title + ' ', badge(j.status)]),
          j.statusReason ? el('p', { 'class': 'message', id: 'job-reason' }, [j.statusReason]) : null, facts])];

      var attempts = (j.attempts || []).map(function (a, i) {
        var ac = a.container || {};
        return el('tr', { 'class': 'attempt', 'data-attempt': String(i) }, [el('td', { 'class': 'num' }, [String(i + 1)]),
          el('td', { 'class': 'num exit' }, [ac.exitCode != null ? String(ac.exitCode) : '-']),
          el('td', { 'class': 'msg reason' }, [ac.reason || a.statusReason || '']),
          el('td', {}, [ms(a.startedAt)]), el('td', {}, [ms(a.stoppedAt)]),
          el('td', {}, [ac.logStreamName ? el('button', { type: 'button', 'class': 'log-button', onclick: function () { log(j.jobId, i); } }, ['Log']) : '-'])]);
      });
      if (!j.arrayProperties || j.arrayProperties.index != null) {
        out.push(section('Attempts', 'attempts', [table('attempts-table', ['#', 'Exit code', 'Reason', 'Started', 'Stopped', ''], attempts,
          'No attempt yet.')]));
      }

      if (j.arrayProperties && j.arrayProperties.statusSummary) {
        var summary = j.arrayProperties.statusSummary;
        var counts = el('div', { 'class': 'toolbar tabs', id: 'status-summary' }, [el('a', { href: jobHref(j.jobId), 'class': 'tab' + (childStatus ? '' : ' on') },
          ['ALL ', el('span', { 'class': 'n' }, [String(j.arrayProperties.size)])])].concat(STATUSES.map(function (s) {
          return el('a', { href: jobHref(j.jobId) + '?children=' + s, 'class': 'tab' + (s === childStatus ? ' on' : ''), 'data-status': s },
            [s + ' ', el('span', { 'class': 'n' }, [String(summary[s] || 0)])]);
        })));
        var children = (j.children || []).map(function (ch) {
          return el('tr', { 'class': 'child', 'data-index': String(ch.index), 'data-status': ch.status }, [
            el('td', { 'class': 'num' }, [el('a', { href: jobHref(ch.jobId) }, [String(ch.index)])]),
            el('td', {}, [badge(ch.status)]),
            el('td', { 'class': 'num exit' }, [ch.exitCode != null ? String(ch.exitCode) : '-']),
            el('td', { 'class': 'msg reason' }, [ch.reason || (ch.status === 'SUCCEEDED' ? '' : ch.statusReason || '')]),
            el('td', {}, [ms(ch.startedAt)]), el('td', {}, [ms(ch.stoppedAt)]),
            el('td', { 'class': 'num' }, [ch.attempts != null ? String(ch.attempts) : '-'])]);
        });
        var shownAll = (j.children || []).length < (j.childrenMatched || 0)
          ? el('p', { 'class': 'muted' }, ['The first ' + j.children.length + ' of ' + j.childrenMatched + ' shown.']) : null;
        out.push(section('Array children (' + j.arrayProperties.size + ')', 'children', [counts,
          table('children-table', ['Index', 'Status', 'Exit code', 'Reason', 'Started', 'Stopped', 'Attempts'], children, 'No child in this status.'), shownAll]));
      }

      function links(list, id) {
        return el('ul', { id: id, 'class': 'links' }, list.length ? list.map(function (d) {
          return el('li', { 'data-id': d.jobId || '' }, [d.jobId ? el('a', { href: jobHref(d.jobId) }, [d.jobName || d.jobId]) : 'the previous child (SEQUENTIAL)',
            ' ', d.status ? badge(d.status) : null, d.type ? el('span', { 'class': 'muted' }, [' ' + d.type]) : null]);
        }) : [el('li', { 'class': 'muted' }, ['none'])]);
      }
      var upstream = (j.dependsOn || []).map(function (d) {
        var known = (j.dependsOnJobs || []).filter(function (x) { return x.jobId === d.jobId; })[0] || {};
        return { jobId: d.jobId, jobName: known.jobName, status: known.status, type: d.type };
      });
      out.push(section('Dependencies', 'dependencies', [el('h4', {}, ['Depends on']), links(upstream, 'depends-on'),
        el('h4', {}, [parent ? 'Jobs that depend on its array job' : 'Jobs that depend on it']), links(j.dependents || [], 'dependents')]));

      var logBox = el('section', { id: 'log' }, [el('h2', {}, ['Log']), el('p', { 'class': 'muted', id: 'log-which' }, ['']),
        el('pre', { 'class': 'log', id: 'job-log' }, ['(no attempt to show)'])]);
      // An array job's log is its children's: each child's page shows its own.
      if (!j.arrayProperties || index != null) { out.push(logBox); }
      show(out);
      var last = (j.attempts || []).length - 1;
      if (!document.getElementById('job-log')) { return; }
      if (shownLog && shownLog.id === j.jobId) { log(j.jobId, shownLog.attempt, shownLog); } else if (last >= 0) { log(j.jobId, last); }
    });
  }

  /** Shows an attempt's log (stdout then stderr); read again only while the job runs. */
  function log(id, attempt, cached) {
    var pre = document.getElementById('job-log');
    var which = document.getElementById('log-which');
    which.textContent = 'attempt ' + (attempt + 1) + ': stdout, then stderr';
    if (cached && cached.text != null && cached.done) { pre.textContent = cached.text; pre.setAttribute('data-loaded', 'true'); return; }
    ui.api('GET', '/api/v1/batch/jobs/' + enc(id) + '/log?attempt=' + attempt).then(function (l) {
      var text = (l.stdout || '') + (l.stderr ? (l.stdout && !/\n$/.test(l.stdout) ? '\n' : '') + l.stderr : '');
      shownLog = { id: id, attempt: attempt, text: text || '(no output)', done: true };
      pre.textContent = shownLog.text;
      pre.setAttribute('data-loaded', 'true');
    }, function (e) { pre.textContent = 'could not read the log: ' + e.message; });
  }

  var load = parts[2] === 'queues' && parts[3] ? function () { return queueJobs(parts[3]); }
    : parts[2] === 'jobs' && parts[3] ? function () { return job(parts[3]); } : queues;
  ui.onToken(function () { refresh(load); });
  refresh(load);
})();
