/*
 * Switchboard chat widget. Plain, dependency-free browser JavaScript: add
 *   <script src="https://<switchboard-host>/widget.js" defer></script>
 * to any page. It talks to the Switchboard host it was loaded from (not the embedding page's origin), keeps a
 * visitor id in localStorage, reads history over HTTP and receives replies over a WebSocket.
 *
 * Delivery contract with the server (adapters/web/): every message has a stored numeric id; the socket only
 * pushes, and after every (re)connect we read history after the last id we saw, so a dropped socket never
 * loses a reply. Sends are retried with the same clientMessageId, which the server treats as idempotent.
 */
(function () {
  'use strict';

  // A page that includes the script twice (e.g. a tag manager plus a hard-coded tag) gets one widget.
  if (window.__switchboardWidget) return;
  window.__switchboardWidget = true;

  var script = document.currentScript;
  var API_ORIGIN = new URL(script && script.src ? script.src : window.location.href).origin;
  var STORAGE_KEY = 'switchboard.visitorId';
  var SAFE_ID = /^[A-Za-z0-9_-]{8,64}$/;
  var MAX_TEXT = 2000;
  var MAX_BACKOFF_MS = 30000;
  var HISTORY_PAGE = 200; // the server's largest page

  // ---- UI strings: the widget's own chrome only; everything the assistant says comes from the server. ----
  // The server serves them from locales/<lng>/translation.json (`widget`) in the best served language for
  // navigator.language; this English copy shows until they arrive and stays if that request fails.
  var FALLBACK_STRINGS = {
    title: 'Chat with us', close: 'Close chat', input: 'Your message', placeholder: 'Type a message…', send: 'Send',
    you: 'You', assistant: 'Assistant · AI', person: 'person', system: 'Notice', retrying: 'Not sent yet, retrying…',
    failed: 'Not sent', reconnecting: 'Reconnecting…', unread: 'New messages: {{count}}',
    slowDown: 'You are sending messages quickly. This one goes out in a moment.',
    empty: 'Ask us anything. Our automated assistant answers right away, and a person from our team is available whenever you ask.',
  };
  // Scripts written right to left, for browsers without Intl.Locale text info.
  var RTL_LANGUAGES = ['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'ks', 'ku', 'ps', 'sd', 'syr', 'ug', 'ur', 'yi'];
  var LOCALE = navigator.language || 'en';
  var T = FALLBACK_STRINGS;

  /** Served strings over the fallback, keeping only non-empty strings for keys the widget knows. */
  function mergeStrings(served) {
    var merged = {};
    for (var key in FALLBACK_STRINGS) {
      var value = served && served[key];
      merged[key] = typeof value === 'string' && value.trim() ? value : FALLBACK_STRINGS[key];
    }
    return merged;
  }

  function directionOf(tag) {
    try {
      var locale = new Intl.Locale(tag);
      // getTextInfo() is the standard method; Chromium before 130 and Safari 17 expose a textInfo getter.
      var info = typeof locale.getTextInfo === 'function' ? locale.getTextInfo() : locale.textInfo;
      if (info && info.direction) return info.direction;
    } catch (e) {
      // Not a valid tag, or no Intl.Locale: use the list.
    }
    return RTL_LANGUAGES.indexOf(String(tag).toLowerCase().split('-')[0]) >= 0 ? 'rtl' : 'ltr';
  }

  function fill(template, count) {
    return template.replace(/\{\{\s*count\s*\}\}/g, String(count));
  }

  // ---- Ids ----
  function randomId(prefix) {
    // randomUUID needs a secure context; an embedding page on plain http still has getRandomValues.
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return prefix + window.crypto.randomUUID().replace(/-/g, '');
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return prefix + Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }

  function loadVisitorId() {
    try {
      var stored = window.localStorage.getItem(STORAGE_KEY);
      if (stored && SAFE_ID.test(stored)) return stored;
      var created = randomId('v_');
      window.localStorage.setItem(STORAGE_KEY, created);
      return created;
    } catch (e) {
      // Storage blocked (privacy mode, sandboxed iframe): chat still works for this page view.
      return randomId('v_');
    }
  }

  var visitorId = loadVisitorId();

  // ---- Styles (inside a shadow root, so neither the page's CSS nor ours leaks across) ----
  var CSS = [
    ':host{all:initial}',
    '.sb-root{--sb-accent:#1f5f4a;--sb-accent-ink:#fff;--sb-bg:#fff;--sb-ink:#1c1d1f;--sb-muted:#5d6167;--sb-line:#e3e5e8;--sb-bot:#f1f3f5;',
    'position:fixed;right:20px;bottom:20px;z-index:2147483000;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",sans-serif;color:var(--sb-ink)}',
    '.sb-root *{box-sizing:border-box}',
    '.sb-launcher{display:flex;align-items:center;gap:8px;height:52px;padding:0 20px 0 16px;border:0;border-radius:26px;background:var(--sb-accent);color:var(--sb-accent-ink);font:inherit;font-weight:600;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.22);margin-inline-start:auto}',
    '.sb-launcher:hover{filter:brightness(1.08)}',
    '.sb-launcher[hidden]{display:none}',
    '.sb-launcher svg{width:22px;height:22px;flex:none}',
    '.sb-badge{min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#d93b3b;color:#fff;font-size:12px;line-height:20px;text-align:center}',
    '.sb-badge[hidden]{display:none}',
    '.sb-panel{position:absolute;right:0;bottom:0;width:370px;max-width:calc(100vw - 40px);height:540px;max-height:calc(100vh - 40px);display:flex;flex-direction:column;background:var(--sb-bg);border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.28);overflow:hidden}',
    '.sb-panel[hidden]{display:none}',
    '.sb-header{display:flex;align-items:center;justify-content:space-between;padding:14px 16px;background:var(--sb-accent);color:var(--sb-accent-ink)}',
    '.sb-title{margin:0;font-size:16px;font-weight:650}',
    '.sb-close{width:32px;height:32px;border:0;border-radius:8px;background:transparent;color:inherit;font:inherit;font-size:22px;line-height:1;cursor:pointer}',
    '.sb-close:hover{background:rgba(255,255,255,.16)}',
    '.sb-status{padding:6px 16px;background:#fff6dc;color:#6b5200;font-size:13px}',
    '.sb-status[hidden]{display:none}',
    '.sb-log{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}',
    '.sb-empty{margin:auto 8px;color:var(--sb-muted);font-size:14px;text-align:center}',
    '.sb-msg{display:flex;flex-direction:column;align-items:flex-start;max-width:85%}',
    '.sb-msg--customer{align-self:flex-end;align-items:flex-end}',
    '.sb-label{margin:0 4px 3px;color:var(--sb-muted);font-size:12px}',
    '.sb-bubble{padding:9px 13px;border-radius:14px;background:var(--sb-bot);white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:plaintext}',
    '.sb-msg--agent .sb-bubble{background:#e6f0fb}',
    '.sb-msg--system .sb-bubble{background:transparent;border:1px dashed var(--sb-line);color:var(--sb-muted);font-size:14px}',
    '.sb-msg--customer .sb-bubble{background:var(--sb-accent);color:var(--sb-accent-ink);border-end-end-radius:4px}',
    '.sb-msg--bot .sb-bubble,.sb-msg--agent .sb-bubble{border-end-start-radius:4px}',
    '.sb-note{margin:3px 4px 0;color:var(--sb-muted);font-size:12px}',
    '.sb-note--failed{color:#b42318}',
    '.sb-form{display:flex;gap:8px;align-items:flex-end;padding:12px;border-top:1px solid var(--sb-line)}',
    '.sb-input{flex:1;min-height:42px;max-height:120px;padding:10px 12px;border:1px solid #c7cbd1;border-radius:10px;font:inherit;color:inherit;background:#fff;resize:none}',
    // dir=auto reads the typed text; an empty field takes the panel's direction so the placeholder aligns with it.
    '.sb-input:placeholder-shown{direction:inherit}',
    '.sb-input:focus{outline:2px solid var(--sb-accent);outline-offset:0;border-color:transparent}',
    '.sb-send{height:42px;padding:0 16px;border:0;border-radius:10px;background:var(--sb-accent);color:var(--sb-accent-ink);font:inherit;font-weight:600;cursor:pointer}',
    '.sb-send:disabled{opacity:.5;cursor:default}',
    '.sb-launcher:focus-visible,.sb-close:focus-visible,.sb-send:focus-visible{outline:3px solid #f0b429;outline-offset:2px}',
    '.sb-visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}',
    '@media (max-width:480px){.sb-root{right:12px;bottom:12px}.sb-panel{width:calc(100vw - 24px);max-width:none;height:calc(100vh - 24px);max-height:none}}',
    '@media (prefers-reduced-motion:no-preference){.sb-msg{animation:sb-in .18s ease-out}@keyframes sb-in{from{opacity:0;transform:translateY(4px)}}}',
  ].join('\n');

  // ---- DOM ----
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) {
      if (key === 'text') node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    }
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  var host = el('div', { id: 'switchboard-chat' });
  var shadow = host.attachShadow({ mode: 'open' });
  shadow.appendChild(el('style', { text: CSS }));

  var badge = el('span', { class: 'sb-badge', hidden: '' });
  var launcher = el('button', {
    type: 'button', class: 'sb-launcher', 'data-testid': 'sb-open',
    'aria-expanded': 'false', 'aria-controls': 'sb-panel',
  });
  launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  var launcherLabel = el('span', { text: T.title });
  launcher.appendChild(launcherLabel);
  launcher.appendChild(badge);

  var closeButton = el('button', { type: 'button', class: 'sb-close', 'aria-label': T.close, 'data-testid': 'sb-close', text: '×' });
  var status = el('div', { class: 'sb-status', role: 'status', hidden: '' });
  var empty = el('p', { class: 'sb-empty', text: T.empty });
  // role=log is an implicit polite live region: screen readers announce appended messages, not the whole list.
  var log = el('div', { class: 'sb-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': T.title, 'data-testid': 'sb-log' }, [empty]);
  var input = el('textarea', { id: 'sb-input', class: 'sb-input', rows: '1', maxlength: String(MAX_TEXT), placeholder: T.placeholder, 'data-testid': 'sb-input', dir: 'auto' });
  var sendButton = el('button', { type: 'submit', class: 'sb-send', 'data-testid': 'sb-send', text: T.send });
  var inputLabel = el('label', { for: 'sb-input', class: 'sb-visually-hidden', text: T.input });
  var form = el('form', { class: 'sb-form' }, [inputLabel, input, sendButton]);
  var title = el('h2', { id: 'sb-title', class: 'sb-title', 'data-testid': 'sb-title', text: T.title });
  var panel = el('section', { id: 'sb-panel', class: 'sb-panel', 'aria-labelledby': 'sb-title', hidden: '', 'data-testid': 'sb-panel' }, [
    el('div', { class: 'sb-header' }, [title, closeButton]),
    status, log, form,
  ]);
  var root = el('div', { class: 'sb-root', lang: 'en', dir: 'ltr' }, [panel, launcher]);
  shadow.appendChild(root);

  /** Puts the served strings on every piece of chrome, including labels of messages already shown. */
  function applyStrings(strings, servedLanguage) {
    T = strings;
    // On the root, so the panel and the launcher both follow; message bubbles keep dir=auto for their own text.
    root.setAttribute('lang', servedLanguage);
    root.setAttribute('dir', directionOf(servedLanguage));
    launcherLabel.textContent = T.title;
    title.textContent = T.title;
    closeButton.setAttribute('aria-label', T.close);
    empty.textContent = T.empty;
    log.setAttribute('aria-label', T.title);
    input.setAttribute('placeholder', T.placeholder);
    inputLabel.textContent = T.input;
    sendButton.textContent = T.send;
    if (!status.hidden) status.textContent = T.reconnecting;
    updateBadge();
    Array.prototype.forEach.call(log.querySelectorAll('[data-testid=sb-message]'), function (node) {
      node.firstChild.textContent = labelFor(node.dataset.author, node.dataset.agentName || null);
    });
  }

  async function loadStrings() {
    try {
      var response = await fetch(API_ORIGIN + '/web/strings?lang=' + encodeURIComponent(LOCALE));
      if (!response.ok) return;
      var body = await response.json();
      if (body && typeof body.language === 'string' && body.strings) applyStrings(mergeStrings(body.strings), body.language);
    } catch (e) {
      // Offline or blocked: the built-in English chrome keeps working.
    }
  }

  // ---- Open / close ----
  var unread = 0;

  function isOpen() { return !panel.hidden; }

  function setOpen(open) {
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute('aria-expanded', String(open));
    if (open) {
      unread = 0;
      updateBadge();
      scrollToEnd();
      input.focus();
    } else {
      launcher.focus();
    }
  }

  function updateBadge() {
    badge.hidden = unread === 0;
    badge.textContent = String(unread);
    badge.setAttribute('aria-label', fill(T.unread, unread));
  }

  launcher.addEventListener('click', function () { setOpen(true); });
  closeButton.addEventListener('click', function () { setOpen(false); });
  panel.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') setOpen(false);
  });

  // ---- Rendering; each stored message is rendered once, keyed by its id ----
  var rendered = new Map(); // message id -> element
  var lastSeenId = 0;

  function scrollToEnd() { log.scrollTop = log.scrollHeight; }

  function labelFor(author, agentName) {
    if (author === 'customer') return T.you;
    if (author === 'bot') return T.assistant;
    if (author === 'agent') return agentName ? agentName + ' · ' + T.person : T.person;
    return T.system;
  }

  function messageElement(author, agentName, text) {
    var label = el('div', { class: 'sb-label', text: labelFor(author, agentName) });
    // The customer's own messages are obvious from their alignment; the label is for screen readers.
    if (author === 'customer') label.className = 'sb-visually-hidden';
    var attrs = { class: 'sb-msg sb-msg--' + author, 'data-testid': 'sb-message', 'data-author': author };
    if (agentName) attrs['data-agent-name'] = agentName;
    return el('div', attrs, [
      label, el('div', { class: 'sb-bubble', dir: 'auto', 'data-testid': 'sb-text', text: text }),
    ]);
  }

  /**
   * Places a stored message before the first rendered one with a higher id (history read after a reconnect
   * can be older than a live push), else at the end. A message still being sent has no id yet; it was typed
   * before this one arrived, so it stays above it, as the customer saw it happen.
   */
  function place(node, id) {
    if (empty.parentNode) empty.remove();
    var before = null;
    rendered.forEach(function (other, otherId) {
      if (otherId > id && (!before || otherId < Number(before.dataset.id))) before = other;
    });
    log.insertBefore(node, before);
  }

  function seen(id) {
    if (id > lastSeenId) lastSeenId = id;
  }

  function render(message) {
    if (rendered.has(message.id)) return;
    seen(message.id);
    if (message.author === 'customer' && adoptPending(message)) return;
    var node = messageElement(message.author, message.agentName, message.text);
    node.dataset.id = String(message.id);
    rendered.set(message.id, node);
    place(node, message.id);
    if (!isOpen() && message.author !== 'customer') {
      unread += 1;
      updateBadge();
    }
    scrollToEnd();
  }

  // ---- Sending: a client-side queue, one POST at a time so messages keep their order ----
  var queue = [];
  var sending = false;
  var wake = null; // resolves the current retry wait early (on reconnect / online)

  function wakeUp() {
    if (wake) wake();
  }

  function sleep(ms) {
    return new Promise(function (resolve) {
      var timer = setTimeout(done, ms);
      function done() { clearTimeout(timer); wake = null; resolve(); }
      wake = done;
    });
  }

  function backoff(attempt) {
    var base = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, attempt));
    return base / 2 + Math.random() * (base / 2);
  }

  function setNote(item, text, failed) {
    if (!item.note) {
      item.note = el('div', { class: 'sb-note' });
      item.node.appendChild(item.note);
    }
    item.note.className = 'sb-note' + (failed ? ' sb-note--failed' : '');
    item.note.textContent = text;
  }

  /** A customer message from history that is one we are still sending: keep our bubble, give it the id. */
  function adoptPending(message) {
    for (var i = 0; i < queue.length; i++) {
      var item = queue[i];
      if (item.id === undefined && item.text === message.text) {
        confirmSent(item, message.id);
        return true;
      }
    }
    return false;
  }

  function confirmSent(item, id) {
    item.id = id;
    seen(id);
    if (rendered.has(id) && rendered.get(id) !== item.node) {
      // History already showed this message: keep that one.
      item.node.remove();
    } else {
      delete item.node.dataset.pending;
      item.node.dataset.id = String(id);
      rendered.set(id, item.node);
      if (item.note) item.note.remove();
    }
  }

  function enqueue(text) {
    var node = messageElement('customer', null, text);
    node.dataset.pending = '';
    if (empty.parentNode) empty.remove();
    log.appendChild(node);
    scrollToEnd();
    queue.push({ clientMessageId: randomId('m_'), text: text, node: node, id: undefined, note: null });
    drain();
  }

  async function drain() {
    if (sending) return;
    sending = true;
    while (queue.length > 0) {
      var item = queue[0];
      if (item.id === undefined) await deliver(item);
      queue.shift();
    }
    sending = false;
  }

  /** POSTs until the server accepts; the same clientMessageId every time, so a retry is never a duplicate. */
  async function deliver(item) {
    for (var attempt = 0; item.id === undefined; attempt++) {
      if (attempt === 1) setNote(item, T.retrying, false);
      try {
        var response = await fetch(API_ORIGIN + '/web/messages', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ visitorId: visitorId, clientMessageId: item.clientMessageId, text: item.text, locale: LOCALE }),
        });
        if (response.ok) {
          var body = await response.json();
          if (item.id === undefined) confirmSent(item, body.messageId);
          return;
        }
        if (response.status === 429) {
          // Sending too fast: wait exactly as long as the server asks, then send the same message again.
          setNote(item, T.slowDown, false);
          await sleep(retryAfterMs(response));
          attempt = -1;
          continue;
        }
        if (response.status >= 400 && response.status < 500 && response.status !== 408) {
          // The server refused this message as such (e.g. too long): retrying cannot help.
          var problem = await response.json().catch(function () { return {}; });
          setNote(item, T.failed + (problem.error ? ': ' + problem.error : ''), true);
          return;
        }
      } catch (e) {
        // Network failure: fall through to the retry.
      }
      await sleep(backoff(attempt));
    }
  }

  /** Retry-After in whole seconds (RFC 9110), or our own backoff when it is missing or an HTTP date. */
  function retryAfterMs(response) {
    var seconds = Number(response.headers.get('Retry-After'));
    return seconds > 0 ? Math.min(seconds * 1000, 10 * 60 * 1000) : backoff(1);
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    enqueue(text);
    input.focus();
  });

  input.addEventListener('keydown', function (event) {
    // Enter sends; Shift+Enter makes a new line; never while an IME is composing (CJK input).
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit(sendButton) : sendButton.click();
    }
  });

  // ---- History and the live socket ----
  var historyRunning = null;
  var historyAgain = false;

  /** Reads messages after the last id we saw; calls made while one is running coalesce into one more. */
  function fetchHistory() {
    if (historyRunning) {
      historyAgain = true;
      return historyRunning;
    }
    historyRunning = (async function () {
      do {
        historyAgain = false;
        try {
          // The server answers in pages; read on while it says another one follows.
          var after = lastSeenId;
          while (after !== null) {
            var url = API_ORIGIN + '/web/history?visitorId=' + encodeURIComponent(visitorId) + '&after=' + after + '&limit=' + HISTORY_PAGE;
            var response = await fetch(url);
            if (!response.ok) break;
            var body = await response.json();
            (body.messages || []).forEach(render);
            after = typeof body.next === 'number' && body.next > after ? body.next : null;
          }
        } catch (e) {
          // Offline: the next socket (re)connect reads history again.
        }
      } while (historyAgain);
      historyRunning = null;
    })();
    return historyRunning;
  }

  var socket = null;
  var reconnectAttempt = 0;
  var reconnectTimer = null;

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (socket && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)) return;
    var url = new URL('/web/socket', API_ORIGIN);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('visitorId', visitorId);
    var ws = new WebSocket(url.toString());
    socket = ws;
    ws.addEventListener('open', function () {
      reconnectAttempt = 0;
      status.hidden = true;
      // Anything stored while we were away (or before this socket registered) comes from history.
      fetchHistory();
      wakeUp();
    });
    ws.addEventListener('message', function (event) {
      try {
        var data = JSON.parse(event.data);
        if (data && data.type === 'message' && data.message && typeof data.message.id === 'number') render(data.message);
      } catch (e) {
        // Not ours to understand; ignore.
      }
    });
    ws.addEventListener('close', function () {
      if (socket !== ws) return;
      socket = null;
      if (reconnectAttempt > 0) {
        status.textContent = T.reconnecting;
        status.hidden = false;
      }
      reconnectTimer = setTimeout(connect, backoff(reconnectAttempt++));
    });
  }

  window.addEventListener('online', function () {
    connect();
    wakeUp();
  });
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') connect();
  });

  function start() {
    document.body.appendChild(host);
    loadStrings();
    fetchHistory();
    connect();
  }

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
