/*
 * Baton's website chat widget. A site adds it with one tag:
 *
 *   <script src="https://baton.example.com/chat/widget.js" async></script>
 *
 * Optional attributes on the tag: data-lang="en|zh" (default: the browser's language),
 * data-title="Chat with us", data-open="true" (open at load).
 *
 * It draws a launcher and a panel inside a shadow root (the host page's styles do not leak in), talks
 * to the Baton service the script came from, and keeps the session in localStorage so a returning
 * visitor continues the same conversation. Everything anyone wrote is put on the page as text, never
 * as HTML.
 */
/* global window, document, location, navigator, localStorage, fetch, EventSource, AbortController, Event, setTimeout, clearTimeout */
(function () {
  'use strict';
  if (window.__batonChat) return;
  window.__batonChat = true;

  var script = document.currentScript || document.querySelector('script[src*="/chat/widget.js"]');
  if (!script) return;
  var src = new URL(script.getAttribute('src'), location.href);
  var base = src.origin + src.pathname.replace(/\/chat\/widget\.js$/, '');
  var storeKey = 'baton-chat:' + base;
  var browserZh = /^zh\b/i.test(navigator.language || '');
  var lang = script.getAttribute('data-lang') === 'zh' || (script.getAttribute('data-lang') !== 'en' && browserZh) ? 'zh' : 'en';
  var T = lang === 'zh'
    ? { title: script.getAttribute('data-title') || '在线咨询', open: '咨询', placeholder: '输入消息…', send: '发送', close: '关闭', typing: '同事正在输入…', joined: '我们的同事已加入对话。', back: '在线助手回来了。', team: '同事', bot: '助手', you: '您', failed: '发送失败：' }
    : { title: script.getAttribute('data-title') || 'Chat with us', open: 'Chat', placeholder: 'Type a message…', send: 'Send', close: 'Close', typing: 'Someone from our team is typing…', joined: 'A person from our team has joined the chat.', back: 'The assistant is back.', team: 'Team', bot: 'Assistant', you: 'You', failed: 'Not sent: ' };

  var host = document.createElement('div');
  host.id = 'baton-chat';
  var root = host.attachShadow({ mode: 'open' });
  var css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = base + '/chat/widget.css';
  root.appendChild(css);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var launcher = el('button', 'launcher', T.open);
  launcher.type = 'button';
  launcher.setAttribute('aria-expanded', 'false');
  var panel = el('section', 'panel');
  panel.hidden = true;
  panel.setAttribute('aria-label', T.title);
  var head = el('header', 'head');
  head.appendChild(el('span', 'title', T.title));
  var closeBtn = el('button', 'close', '×');
  closeBtn.type = 'button';
  closeBtn.setAttribute('aria-label', T.close);
  head.appendChild(closeBtn);
  var log = el('div', 'log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  var typing = el('div', 'typing', T.typing);
  typing.hidden = true;
  var notice = el('div', 'notice');
  notice.setAttribute('role', 'status');
  notice.hidden = true;
  var form = el('form', 'compose');
  var input = el('textarea', 'input');
  input.rows = 2;
  input.placeholder = T.placeholder;
  input.setAttribute('aria-label', T.placeholder);
  input.maxLength = 2000;
  var send = el('button', 'send', T.send);
  send.type = 'submit';
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(notice);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);

  var session = null; // { id, token }
  var shown = {}; // seq -> element
  var pending = []; // visitor messages shown before the server numbered them
  var events = null;
  var lastSeq = 0;
  var typingTimer = null;

  function load() {
    try {
      var s = JSON.parse(localStorage.getItem(storeKey) || 'null');
      return s && typeof s.id === 'string' && typeof s.token === 'string' ? s : null;
    } catch {
      return null;
    }
  }
  function save(s) {
    try {
      if (s) localStorage.setItem(storeKey, JSON.stringify(s));
      else localStorage.removeItem(storeKey);
    } catch {
      /* private mode: the session lasts as long as the page */
    }
  }

  function who(from) {
    return from === 'visitor' ? T.you : from === 'agent' ? T.team : T.bot;
  }

  function render(m) {
    if (typeof m.seq === 'number') {
      if (shown[m.seq]) return;
      if (m.seq > lastSeq) lastSeq = m.seq;
      if (m.from === 'visitor') {
        for (var i = 0; i < pending.length; i++) {
          if (pending[i].text === m.text) {
            var p = pending.splice(i, 1)[0];
            p.node.classList.remove('pending');
            shown[m.seq] = p.node;
            return;
          }
        }
      }
    }
    var row = el('div', 'msg ' + m.from + (typeof m.seq === 'number' ? '' : ' pending'));
    row.appendChild(el('span', 'who', who(m.from)));
    row.appendChild(el('p', 'text', m.text));
    if (typeof m.seq === 'number') {
      row.setAttribute('data-seq', String(m.seq));
      shown[m.seq] = row;
    }
    log.appendChild(row);
    log.scrollTop = log.scrollHeight;
    if (m.from === 'agent') typing.hidden = true;
    return row;
  }

  function say(text) {
    notice.textContent = text;
    notice.hidden = !text;
  }

  function request(method, path, body) {
    var headers = { 'content-type': 'application/json' };
    if (session) headers.authorization = 'Bearer ' + session.token;
    return fetch(base + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) }).then(function (res) {
      return res.text().then(function (t) {
        var data = null;
        try {
          data = t ? JSON.parse(t) : null;
        } catch {
          data = null;
        }
        if (!res.ok) {
          var err = new Error((data && data.error && data.error.message) || 'HTTP ' + res.status);
          err.status = res.status;
          throw err;
        }
        return data;
      });
    });
  }

  function streamUrl() {
    return base + '/v1/chat/sessions/' + encodeURIComponent(session.id) + '/events?after=' + lastSeq + '&token=' + encodeURIComponent(session.token);
  }

  /*
   * The browser gives up on a stream the service refused, without saying why. Ask once: a token that
   * expired or a chat that is gone (401, 404) is forgotten and, with the panel open, a new chat starts
   * (a returning visitor is greeted rather than shown an empty panel); anything else (a restart, a
   * proxy error) keeps the chat and listens again a little later.
   */
  function refused(es) {
    if (es !== events || !session) return;
    events = null;
    var gone = session;
    var ctl = typeof AbortController === 'undefined' ? null : new AbortController();
    function later() {
      setTimeout(function () {
        if (session === gone && !events) listen();
      }, 5000);
    }
    fetch(streamUrl(), { signal: ctl ? ctl.signal : undefined }).then(
      function (res) {
        if (ctl) ctl.abort();
        if (session !== gone) return;
        if (res.status === 401 || res.status === 404) {
          save(null);
          session = null;
          if (!panel.hidden) ensure().catch(function () {});
        } else later();
      },
      later,
    );
  }

  function listen() {
    if (events) events.close();
    if (typeof EventSource === 'undefined') return;
    var es = new EventSource(streamUrl());
    events = es;
    es.addEventListener('error', function () {
      if (es.readyState === 2) refused(es); // CLOSED: refused, not a dropped connection (that one retries by itself)
    });
    es.addEventListener('message', function (e) {
      try {
        render(JSON.parse(e.data));
      } catch {
        /* a malformed event is skipped */
      }
    });
    es.addEventListener('typing', function () {
      typing.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () {
        typing.hidden = true;
      }, 6000);
    });
    es.addEventListener('mode', function (e) {
      try {
        say(JSON.parse(e.data).human ? T.joined : T.back);
      } catch {
        /* ignore */
      }
    });
  }

  function start() {
    return request('POST', '/v1/chat/sessions', { lang: lang, page: location.href }).then(function (r) {
      session = { id: r.session_id, token: r.token };
      save(session);
      (r.messages || []).forEach(render);
      listen();
    });
  }

  var starting = null;
  function ensure() {
    if (session) return Promise.resolve();
    if (starting) return starting;
    var stored = load();
    if (stored) {
      session = stored;
      listen();
      return Promise.resolve();
    }
    starting = start().then(
      function () {
        starting = null;
      },
      function (e) {
        starting = null;
        say(T.failed + e.message);
        throw e;
      },
    );
    return starting;
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    launcher.hidden = true;
    ensure().then(function () {
      input.focus();
    }, function () {});
  }
  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute('aria-expanded', 'false');
  }

  function submit(text) {
    var mine = { text: text, node: render({ from: 'visitor', text: text }) };
    pending.push(mine);
    say('');
    return ensure()
      .then(function () {
        return request('POST', '/v1/chat/sessions/' + encodeURIComponent(session.id) + '/messages', { text: text });
      })
      .then(function (r) {
        mine.node.classList.remove('pending');
        // It stays in pending until the stream names its number: the stream may bring it after this
        // answer (a stream that connected late replays it), and it must not be drawn twice.
        if (!events && pending.indexOf(mine) >= 0) pending.splice(pending.indexOf(mine), 1);
        (r.messages || []).forEach(render);
      })
      .catch(function (e) {
        if (e.status === 401 || e.status === 404) {
          // The session expired or is gone: start a new one and send again.
          save(null);
          session = null;
          if (events) events.close();
          var i = pending.indexOf(mine);
          if (i >= 0) pending.splice(i, 1);
          mine.node.remove();
          return ensure().then(function () {
            return submit(text);
          });
        }
        mine.node.classList.add('failed');
        say(T.failed + e.message);
      });
  }

  launcher.addEventListener('click', open);
  closeBtn.addEventListener('click', close);
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    submit(text);
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      if (form.requestSubmit) form.requestSubmit();
      else form.dispatchEvent(new Event('submit', { cancelable: true }));
    }
  });

  function mount() {
    document.body.appendChild(host);
    if (script.getAttribute('data-open') === 'true' || load()) open();
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
