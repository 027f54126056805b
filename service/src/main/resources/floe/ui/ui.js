// The web UI's common part: the bar at the top (the pages, the token field) and requests to the
// server's own API. The bearer token is kept in this tab's sessionStorage and sent as a header
// on each request, never in a URL.
(function () {
  'use strict';
  var KEY = 'floe.token';
  var listeners = [];

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    for (var k in (attrs || {})) {
      if (attrs[k] == null) { continue; }
      if (k === 'text') { e.textContent = attrs[k]; } else if (k === 'onclick') { e.addEventListener('click', attrs[k]); } else { e.setAttribute(k, attrs[k]); }
    }
    (children || []).forEach(function (c) {
      if (c != null) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); }
    });
    return e;
  }
  function token() { return sessionStorage.getItem(KEY) || ''; }

  /** A request to the server's API: resolves to the JSON answer (or the text when not JSON), rejects with an Error carrying status. */
  function api(method, path, body) {
    var headers = { 'Accept': 'application/json' };
    if (token()) { headers['Authorization'] = 'Bearer ' + token(); }
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' })
      .then(function (r) {
        return r.text().then(function (text) {
          var json = null;
          try { json = text ? JSON.parse(text) : {}; } catch (e) { json = null; }
          if (!r.ok) {
            var err = new Error((json && json.message) || text || r.statusText);
            err.status = r.status;
            if (r.status === 401) { status('The token is missing or not valid: type it above.', true); }
            throw err;
          }
          return json === null ? text : json;
        });
      });
  }

  function status(text, bad) {
    var s = document.getElementById('ui-status');
    if (!s) { return; }
    s.textContent = text || '';
    s.className = bad ? 'bad' : '';
  }

  function bar() {
    var nav = document.getElementById('ui-bar');
    if (!nav) { return; }
    nav.textContent = '';
    var here = location.pathname;
    nav.appendChild(el('a', { href: '/', 'class': 'brand' }, ['Floe']));
    nav.appendChild(el('a', { href: '/', 'class': here === '/' || here.indexOf('/workflows/') === 0 ? 'on' : '' }, ['Workflows']));
    nav.appendChild(el('a', { href: '/templates', id: 'nav-templates', 'class': here === '/templates' ? 'on' : '' }, ['Templates & cron']));
    nav.appendChild(el('a', { href: '/batch', id: 'nav-batch', 'class': here.indexOf('/batch') === 0 ? 'on' : '' }, ['Batch']));
    var input = el('input', { type: 'password', id: 'token', placeholder: 'bearer token', autocomplete: 'off', size: 24 });
    input.value = token();
    var form = el('form', { id: 'token-form' }, [el('label', { 'for': 'token' }, ['Token ']), input,
      el('button', { type: 'submit', id: 'token-save' }, ['Use']),
      el('button', { type: 'button', id: 'token-forget', onclick: function () { sessionStorage.removeItem(KEY); input.value = ''; changed(); } }, ['Forget'])]);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      sessionStorage.setItem(KEY, input.value.trim().replace(/^Bearer\s+/i, ''));
      changed();
    });
    nav.appendChild(el('span', { id: 'ui-status' }));
    nav.appendChild(form);
  }
  function changed() { status(''); listeners.forEach(function (f) { f(); }); }

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function time(iso) {
    if (!iso) { return '-'; }
    var d = new Date(iso);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  function duration(ms) {
    if (ms == null || ms < 0 || isNaN(ms)) { return '-'; }
    var s = Math.round(ms / 1000);
    if (s < 60) { return s + 's'; }
    if (s < 3600) { return Math.floor(s / 60) + 'm ' + (s % 60) + 's'; }
    return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
  }
  function badge(phase) { return el('span', { 'class': 'badge bg-' + phase, 'data-phase': phase }, [phase]); }

  window.FloeUi = { api: api, el: el, token: token, status: status, time: time, duration: duration, badge: badge,
    onToken: function (f) { listeners.push(f); } };
  bar();
})();
