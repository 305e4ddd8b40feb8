/* Instant.Actors browser client: the room page.
 * Speaks the client-level protocol of PROTOCOL.md section 6 so that it shares rooms with
 * the original client and Scribe. Pure rules (colours, markup) live in instant-format.js.
 * User text only ever reaches the DOM through createTextNode/textContent. */
(function () {
  'use strict';
  var F = window.InstantFormat;

  /** Fires a plugin event (instant-plugins.js); without that script nothing listens. */
  function fire(type, data) {
    return window.Instant && window.Instant._fireListeners ? window.Instant._fireListeners(type, data) : { canceled: false };
  }

  /* ---- Small DOM helpers ------------------------------------------------------------ */

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  var SAFE_ATTRS = { href: true, target: true, rel: true, 'data-nick': true, title: true };

  /** Turns a parse tree from InstantFormat into DOM nodes. */
  function render(tree) {
    if (typeof tree === 'string') return document.createTextNode(tree);
    var node = document.createElement(tree.tag);
    if (tree.cls) node.className = tree.cls;
    if (tree.attrs) {
      Object.keys(tree.attrs).forEach(function (k) { if (SAFE_ATTRS[k]) node.setAttribute(k, tree.attrs[k]); });
    }
    /* only the formatter's own colour variables; the stylesheet picks one per theme */
    if (tree.style) {
      Object.keys(tree.style).forEach(function (k) { if (/^--[a-z-]+$/.test(k)) node.style.setProperty(k, tree.style[k]); });
    }
    tree.children.forEach(function (child) { node.appendChild(render(child)); });
    return node;
  }

  /* ---- Settings (shared key layout with the original client, so the nick carries over) */

  var STORAGE_KEY = 'instant-data';

  function loadSettings() {
    try { return JSON.parse(localStorage.getItem(STORAGE_KEY) || '{}') || {}; } catch (e) { return {}; }
  }

  function saveSetting(key, value) {
    var data = loadSettings();
    if (value === undefined) delete data[key]; else data[key] = value;
    try { localStorage.setItem(STORAGE_KEY, JSON.stringify(data)); } catch (e) { /* private mode */ }
  }

  /* ---- Room and URLs ----------------------------------------------------------------- */

  var pathMatch = /^(?:\/dev\/([^\/]+))?\/room\/([a-zA-Z](?:[\w-]*[a-zA-Z0-9])?)\/?$/.exec(location.pathname);
  var roomName = pathMatch ? pathMatch[2] : null;
  var query = new URLSearchParams(location.search);

  function socketUrl() {
    if (query.get('connect')) return query.get('connect');
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/room/' + roomName + '/ws';
  }

  /* ---- State ------------------------------------------------------------------------- */

  var state = {
    ws: null,
    connected: false,
    everConnected: false,
    reconnectAttempts: 0,
    reconnectTimer: null,
    unloading: false,
    seq: 0,
    callbacks: {},
    id: null,
    uuid: null,
    identity: null,
    lastPong: null, /* {local, server} */
    nick: null,
    messages: new Map(), /* id -> {id,parent,timestamp,from,nick,text} */
    users: new Map(), /* session id -> {nick, uuid, active} */
    uuids: new Map(),
    unreadTitle: 0,
    unreadPing: false,
    unreadPMs: 0,
    unread: new Set(),
    logsLive: true,
    pull: null,
    wantBefore: false,
    wantAfter: false,
    chosenPeers: new Set(),
    pending: { before: false, after: false }, /* directions asked of a peer, not yet answered */
    awaitingSince: 0,
    pms: [],
    focused: document.hasFocus()
  };

  /* ---- Element references ------------------------------------------------------------ */

  var pane = $('messages');
  var rootList = $('thread-root');
  var inputBar = $('input-bar');
  var nickBox = $('nick-input');
  var textBox = $('message-input');
  var statusDot = $('connection-status');
  var userList = $('user-list');
  var userCount = $('user-count');
  var spinner = $('log-spinner');

  /* ---- Messages ---------------------------------------------------------------------- */

  function messageNode(id) { return $('message-' + id); }

  function repliesOf(node) { return node === null ? rootList : node.querySelector(':scope > .replies'); }

  /** The message node whose replies hold `container`, or null for the top level. */
  function ownerOf(container) { return container === rootList ? null : container.parentNode; }

  function makeMessageNode(id) {
    var node = el('div', 'message');
    node.id = 'message-' + id;
    node.setAttribute('data-id', id);
    var line = el('div', 'line');
    var time = el('a', 'time');
    time.href = '#message-' + id;
    var nick = el('span', 'nick');
    var content = el('span', 'content');
    line.appendChild(time);
    line.appendChild(nick);
    line.appendChild(content);
    node.appendChild(line);
    node.appendChild(el('div', 'replies'));
    return node;
  }

  /** Inserts `node` into `container`, keeping messages sorted by id and the input bar last. */
  function insertSorted(container, node) {
    var id = node.getAttribute('data-id');
    var kids = container.children;
    var lo = 0, hi = kids.length;
    while (hi > lo && kids[hi - 1] === inputBar) hi--;
    var end = hi;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (kids[mid].getAttribute('data-id') < id) lo = mid + 1; else hi = mid;
    }
    container.insertBefore(node, lo < end ? kids[lo] : (kids[end] || null));
  }

  function fillMessageNode(node, msg) {
    var line = node.querySelector(':scope > .line');
    var time = line.querySelector('.time');
    time.textContent = F.shortTime(msg.timestamp);
    time.title = F.fullTime(msg.timestamp);
    var nick = line.querySelector('.nick');
    var content = line.querySelector('.content');
    content.textContent = '';
    node.classList.remove('placeholder');
    var emote = F.isEmote(msg.text);
    node.classList.toggle('emote', emote);
    nick.textContent = msg.nick;
    nick.style.backgroundColor = F.nickColor(msg.nick);
    var data = F.isData(msg.text);
    node.classList.toggle('data', data);
    var body = emote ? msg.text.substring(3) : data ? msg.text.substring(5) : msg.text;
    if (data) {
      /* the payload shows only under a visible reply: the marker dimmed, the outer whitespace hidden */
      content.appendChild(el('span', 'sigil data-marker', '/data'));
      var edges = /^(\s*)([\s\S]*?)(\s*)$/.exec(body);
      if (edges[1]) content.appendChild(el('span', 'hidden-space', edges[1]));
      content.appendChild(render(F.parse(edges[2], { room: roomName })));
      if (edges[3]) content.appendChild(el('span', 'hidden-space', edges[3]));
    }
    if (emote) {
      content.appendChild(el('span', 'sigil emote-marker', '/me'));
      content.style.setProperty('--emote-light', F.emoteColor(msg.nick));
      content.style.setProperty('--emote-dark', F.emoteColorDark(msg.nick));
    } else {
      content.style.removeProperty('--emote-light');
      content.style.removeProperty('--emote-dark');
    }
    if (!data) content.appendChild(render(F.parse(body, { room: roomName })));
    node.querySelector(':scope > .replies').style.borderLeftColor = F.nickColor(msg.nick);
    node.classList.toggle('mine', msg.from === state.id && state.id !== null);
    node.classList.toggle('ping', F.mentions(msg.text, state.nick));
  }

  /** Places a message in the tree, creating a placeholder for an unknown parent. */
  function showMessage(msg, live) {
    var node = messageNode(msg.id);
    var fresh = !node;
    if (!node) node = makeMessageNode(msg.id);
    fillMessageNode(node, msg);
    var parentNode = null;
    if (msg.parent) {
      parentNode = messageNode(msg.parent);
      if (!parentNode) {
        parentNode = makeMessageNode(msg.parent);
        makePlaceholder(parentNode);
        insertSorted(rootList, parentNode);
      }
    }
    var container = repliesOf(parentNode);
    if (fresh || node.parentNode !== container) insertSorted(container, node);
    refreshHidden(node);
    if (live && !node.classList.contains('mine') && !isHidden(node)) {
      node.classList.add('new');
      observeVisibility(node);
    }
    return node;
  }

  /** Hidden: a /data message none of whose replies is visible. */
  function isHidden(node) { return node.classList.contains('data') && !node.classList.contains('data-shown'); }

  /** Re-decides, from `node` up to the top, which /data messages a visible reply keeps shown. */
  function refreshHidden(node) {
    for (var n = node; n; n = ownerOf(n.parentNode)) {
      if (n.classList.contains('data')) {
        var kids = repliesOf(n).children;
        var shown = false;
        for (var i = 0; i < kids.length && !shown; i++) {
          shown = kids[i].classList.contains('message') && !isHidden(kids[i]);
        }
        n.classList.toggle('data-shown', shown);
      }
    }
  }

  function makePlaceholder(node) {
    node.classList.add('placeholder');
    var time = node.querySelector('.time');
    time.textContent = 'N/A';
    time.title = 'Message absent or not loaded (yet)';
    node.querySelector('.nick').textContent = '...';
  }

  /** Stores a post; returns true when it was not known before. */
  function storeMessage(msg) {
    var known = state.messages.get(msg.id);
    state.messages.set(msg.id, msg);
    return !known;
  }

  function normalizePost(id, from, timestamp, data) {
    return {
      id: id,
      parent: typeof data.parent === 'string' && data.parent ? data.parent : null,
      timestamp: typeof timestamp === 'number' ? timestamp : null,
      from: from,
      nick: typeof data.nick === 'string' ? data.nick : '',
      text: typeof data.text === 'string' ? data.text : JSON.stringify(data.text)
    };
  }

  /** Runs `change` without moving what the reader looks at: the input bar stays put. */
  function keepScroll(change) {
    var before = inputBar.getBoundingClientRect().top;
    var atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 4;
    var result = change();
    if (atBottom && isBarAtRoot()) {
      pane.scrollTop = pane.scrollHeight;
    } else {
      pane.scrollTop += inputBar.getBoundingClientRect().top - before;
    }
    return result;
  }

  /* ---- Visibility and unread tracking ------------------------------------------------- */

  var visibility = 'IntersectionObserver' in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      var node = entry.target;
      node.classList.toggle('offscreen', !entry.isIntersecting);
      if (entry.isIntersecting && state.focused) markRead(node);
    });
  }, { root: pane }) : null;

  function observeVisibility(node) {
    var id = node.getAttribute('data-id');
    state.unread.add(id);
    node.classList.add('unread');
    if (visibility) visibility.observe(node.querySelector(':scope > .line'));
  }

  function markRead(lineOrNode) {
    var node = lineOrNode.classList.contains('line') ? lineOrNode.parentNode : lineOrNode;
    var id = node.getAttribute('data-id');
    if (!state.unread.has(id)) return;
    state.unread.delete(id);
    node.classList.remove('unread');
    updateArrows();
  }

  function markVisibleRead() {
    var paneRect = pane.getBoundingClientRect();
    state.unread.forEach(function (id) {
      var node = messageNode(id);
      if (!node) { state.unread.delete(id); return; }
      var r = node.querySelector(':scope > .line').getBoundingClientRect();
      if (r.bottom > paneRect.top && r.top < paneRect.bottom) markRead(node);
    });
    updateArrows();
  }

  /* Coalesced to one layout pass per frame: a burst of messages must not re-measure per message. */
  var arrowsPending = false;
  function updateArrows() {
    if (arrowsPending) return;
    arrowsPending = true;
    requestAnimationFrame(function () { arrowsPending = false; paintArrows(); });
  }

  function paintArrows() {
    var up = $('unread-up'), down = $('unread-down');
    var barTop = inputBar.getBoundingClientRect().top;
    var above = 0, below = 0, pingAbove = false, pingBelow = false;
    state.unread.forEach(function (id) {
      var node = messageNode(id);
      if (!node) return;
      var ping = node.classList.contains('ping');
      if (node.getBoundingClientRect().top < barTop) { above++; pingAbove = pingAbove || ping; } else { below++; pingBelow = pingBelow || ping; }
    });
    up.hidden = above === 0; down.hidden = below === 0;
    up.classList.toggle('ping', pingAbove); down.classList.toggle('ping', pingBelow);
  }

  function nearestUnread(direction) {
    var barTop = inputBar.getBoundingClientRect().top;
    var best = null, bestDistance = Infinity;
    state.unread.forEach(function (id) {
      var node = messageNode(id);
      if (!node) return;
      var d = node.getBoundingClientRect().top - barTop;
      if (direction < 0 ? d >= 0 : d <= 0) return;
      if (Math.abs(d) < bestDistance) { bestDistance = Math.abs(d); best = node; }
    });
    return best;
  }

  /* ---- Title, favicon, notifications -------------------------------------------------- */

  var LEVELS = ['none', 'privmsg', 'ping', 'reply', 'activity', 'disconnect'];

  function updateTitle() {
    var base = roomName ? '&' + roomName : 'Instant';
    var suffix = ' \u2014 Instant';
    if (state.unreadPMs) suffix = ' (' + state.unreadPMs + '!!!)';
    else if (state.unreadTitle) suffix = ' (' + state.unreadTitle + (state.unreadPing ? '!!' : '') + ')';
    document.title = roomName ? base + suffix : 'Instant';
    updateFavicon();
  }

  var faviconImage = null;
  function updateFavicon() {
    var color = null;
    if (state.unreadPMs) color = '#800080';
    else if (state.unreadPing) color = '#c0c000';
    else if (state.unreadReply) color = '#0040ff';
    else if (state.unreadTitle) color = '#c0c0c0';
    else if (state.everConnected && !state.connected) color = '#c00000';
    var link = $('favicon');
    if (!color) { link.href = '/static/instant-logo.png'; return; }
    if (!faviconImage) {
      faviconImage = new Image();
      faviconImage.onload = updateFavicon;
      faviconImage.src = '/static/instant-logo.png';
      return;
    }
    if (!faviconImage.complete) return;
    var canvas = document.createElement('canvas');
    canvas.width = canvas.height = 64;
    var g = canvas.getContext('2d');
    g.drawImage(faviconImage, 0, 0, 64, 64);
    g.beginPath();
    g.arc(48, 16, 14, 0, 2 * Math.PI);
    g.fillStyle = color;
    g.fill();
    g.lineWidth = 3;
    g.strokeStyle = '#ffffff';
    g.stroke();
    link.href = canvas.toDataURL('image/png');
  }

  function notifyLevel() { return loadSettings()['notification-level'] || 'ping'; }

  function notify(level, title, body, onclick) {
    if (state.focused || !('Notification' in window)) return;
    var setting = notifyLevel();
    if (LEVELS.indexOf(setting) < LEVELS.indexOf(level) || setting === 'none') return;
    if (Notification.permission !== 'granted') return;
    if (state.notification) state.notification.close();
    var n = new Notification(title, { body: body, icon: '/static/instant-logo.png' });
    n.onclick = function () { window.focus(); if (onclick) onclick(); n.close(); };
    state.notification = n;
    setTimeout(function () { n.close(); }, 10000);
  }

  /** The message a reply "answers" for notifications: the previous sibling, else the parent. */
  function commentParent(node) {
    var prev = node.previousElementSibling;
    if (prev && prev.classList.contains('message')) return prev;
    var owner = ownerOf(node.parentNode);
    return owner;
  }

  function onLivePost(msg, node) {
    /* your own posts and hidden payloads are "noise": no counters, no notifications */
    if (node.classList.contains('mine') || isHidden(node)) return;
    var ping = node.classList.contains('ping');
    var cp = commentParent(node);
    var reply = !!(cp && cp.classList.contains('mine'));
    if (!state.focused) {
      state.unreadTitle++;
      if (ping) state.unreadPing = true;
      if (reply) state.unreadReply = true;
      updateTitle();
    }
    var level = ping ? 'ping' : reply ? 'reply' : 'activity';
    var body = F.isEmote(msg.text) ? '* ' + msg.nick + msg.text.substring(3) : '[' + msg.nick + '] ' + msg.text;
    notify(level, '&' + roomName, body, function () { moveBarInto(node); });
    updateArrows();
  }

  /* ---- Input bar placement and keyboard navigation ------------------------------------- */

  function isBarAtRoot() { return inputBar.parentNode === rootList; }

  function currentParent() {
    var owner = ownerOf(inputBar.parentNode);
    return owner ? owner.getAttribute('data-id') : null;
  }

  function placeBar(container) {
    var hadFocus = document.activeElement === textBox;
    container.appendChild(inputBar);
    if (hadFocus) textBox.focus();
    inputBar.scrollIntoView({ block: 'nearest' });
    updateArrows();
  }

  function moveBarInto(node) { placeBar(repliesOf(node)); textBox.focus(); }

  function lastMessageChild(container) {
    var kids = container.children;
    for (var i = kids.length - 1; i >= 0; i--) if (kids[i].classList.contains('message')) return kids[i];
    return null;
  }

  /** Click on a message line: back out, continue the thread, or nest (CLIENT.md 1.3). */
  function replyTo(node) {
    var replies = repliesOf(node);
    var container = node.parentNode;
    if (inputBar.parentNode === replies) {
      placeBar(container);
    } else if (lastMessageChild(container) === node && inputBar.parentNode !== container && container !== rootList) {
      placeBar(container);
    } else {
      placeBar(replies);
    }
    textBox.focus();
  }

  /** Every place the bar can sit, in reading order: each message's replies end just after
   *  its last descendant, the top level at the very bottom. */
  function barSlots() {
    var slots = [];
    (function walk(container) {
      var kids = container.children;
      for (var i = 0; i < kids.length; i++) {
        if (kids[i].classList.contains('message') && !isHidden(kids[i])) walk(repliesOf(kids[i]));
      }
      slots.push(container);
    })(rootList);
    return slots;
  }

  function moveBarVertically(direction) {
    var slots = barSlots();
    var index = slots.indexOf(inputBar.parentNode);
    var target = index + direction;
    if (target < 0) { requestOlder(); return; }
    if (target >= slots.length) return;
    placeBar(slots[target]);
  }

  function moveBarOut() {
    var owner = ownerOf(inputBar.parentNode);
    if (owner) placeBar(owner.parentNode);
  }

  function moveBarIn() {
    var above = inputBar.previousElementSibling;
    if (above && above.classList.contains('message')) placeBar(repliesOf(above));
  }

  function barToTop() {
    placeBar(rootList);
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    textBox.focus();
    pane.scrollTop = pane.scrollHeight;
  }

  function onTextKey(event) {
    if (fire('input.keydown', { source: event, text: textBox.value, _cancel: function () { event.preventDefault(); } }).canceled) return;
    var text = textBox.value;
    var start = textBox.selectionStart, end = textBox.selectionEnd;
    var noSelection = start === end;
    var singleLine = text.indexOf('\n') < 0;
    if (event.key === 'Enter' && !event.shiftKey && !event.ctrlKey && !event.altKey) {
      event.preventDefault();
      sendPost();
      return;
    }
    if (event.key === 'Escape') { event.preventDefault(); barToTop(); return; }
    if (event.key === 'Tab' && !event.shiftKey) {
      var before = text.substring(0, start);
      var m = /(?:^|\W)@(\S*)$/.exec(before);
      if (m && noSelection) {
        event.preventDefault();
        var nicks = [];
        state.users.forEach(function (u) { nicks.push(u.nick); });
        var rest = F.completeNick(m[1], nicks);
        if (rest) {
          textBox.value = before + rest + text.substring(end);
          textBox.selectionStart = textBox.selectionEnd = start + rest.length;
          autoGrow();
        }
      }
      return;
    }
    if (event.shiftKey || event.ctrlKey || event.altKey || event.metaKey || !noSelection) return;
    if (event.key === 'ArrowUp' && (singleLine || start === 0)) { event.preventDefault(); moveBarVertically(-1); }
    else if (event.key === 'ArrowDown' && (singleLine || start === text.length)) { event.preventDefault(); moveBarVertically(1); }
    else if (event.key === 'ArrowLeft' && (text === '' || start === 0) && start === 0) { event.preventDefault(); moveBarOut(); }
    else if (event.key === 'ArrowRight' && (text === '' || start === text.length)) { event.preventDefault(); moveBarIn(); }
    else if (event.key === 'PageUp' && (singleLine || start === 0)) { event.preventDefault(); pageJump(-1); }
    else if (event.key === 'PageDown' && (singleLine || start === text.length)) { event.preventDefault(); pageJump(1); }
  }

  /** PageUp/PageDown: the nearest unread message that way, else scroll a page. */
  function pageJump(direction) {
    var target = nearestUnread(direction);
    if (target) { moveBarInto(target); markRead(target); return; }
    if (direction < 0 && pane.scrollTop === 0) { requestOlder(); return; }
    pane.scrollTop += direction * pane.clientHeight * 0.9;
  }

  function autoGrow() {
    textBox.style.height = 'auto';
    textBox.style.height = Math.min(textBox.scrollHeight, window.innerHeight / 2) + 'px';
  }

  /* ---- Nick box ---------------------------------------------------------------------- */

  var measureContext = null;

  /** Width in px of `text` in the font of `node` (characters differ too much for `ch`). */
  function textWidth(text, node) {
    if (!measureContext) measureContext = document.createElement('canvas').getContext('2d');
    var cs = getComputedStyle(node);
    measureContext.font = cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
    return measureContext.measureText(text).width;
  }

  function paintNickBox() {
    var value = nickBox.value;
    nickBox.style.backgroundColor = F.nickColor(value);
    var cs = getComputedStyle(nickBox);
    var frame = ['paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth']
      .reduce(function (sum, k) { return sum + (parseFloat(cs[k]) || 0); }, 0);
    /* +2 px for the caret at the end */
    nickBox.style.width = Math.ceil(textWidth(value || nickBox.placeholder, nickBox) + frame + 2) + 'px';
  }

  function commitNick() {
    var value = nickBox.value;
    /* leaving an empty box without ever having had a nick announces nothing */
    if (value === state.nick || (state.nick === null && value === '')) return;
    fire('input.nickChange', { oldNick: state.nick, nick: value });
    state.nick = value;
    saveSetting('nickname', value);
    if (state.connected && state.identity) send('broadcast', { type: 'nick', nick: value, uuid: state.uuid });
    refreshPings();
  }

  function refreshPings() {
    state.messages.forEach(function (msg) {
      var node = messageNode(msg.id);
      if (node) node.classList.toggle('ping', F.mentions(msg.text, state.nick));
    });
  }

  /* ---- User list --------------------------------------------------------------------- */

  function setUser(id, nick, uuid) {
    var user = state.users.get(id) || { nick: '', uuid: null };
    if (typeof nick === 'string') user.nick = nick;
    if (uuid) { user.uuid = uuid; state.uuids.set(id, uuid); }
    user.active = Date.now();
    state.users.set(id, user);
    renderUsers();
  }

  var renderUsersPending = false;
  function renderUsers() {
    if (renderUsersPending) return;
    renderUsersPending = true;
    requestAnimationFrame(function () {
      renderUsersPending = false;
      var entries = [];
      state.users.forEach(function (u, id) { entries.push({ id: id, nick: u.nick, active: u.active }); });
      entries.sort(function (a, b) {
        return a.nick < b.nick ? -1 : a.nick > b.nick ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      });
      userList.textContent = '';
      entries.forEach(function (u) {
        if (!u.nick) return;
        var chip = el('button', 'nick user-chip', u.nick);
        chip.type = 'button';
        chip.style.backgroundColor = F.nickColor(u.nick);
        /* idle people fade over ten minutes, to 65 %: still 4.5:1 on every nick colour */
        var idle = Math.min(1, Math.max(0, (Date.now() - (u.active || 0)) / 600000));
        chip.style.color = 'rgba(0, 0, 0, ' + (1 - idle * 0.35).toFixed(2) + ')';
        chip.setAttribute('data-id', u.id);
        chip.title = u.nick + ' (' + u.id + ')';
        chip.addEventListener('click', function (e) { openUserMenu(u.id, chip); e.stopPropagation(); });
        userList.appendChild(chip);
      });
      userCount.textContent = entries.length + (entries.length === 1 ? ' user' : ' users');
    });
  }

  function openUserMenu(id, anchor) {
    var menu = $('user-menu');
    var user = state.users.get(id);
    if (!user) return;
    menu.textContent = '';
    menu.appendChild(el('div', 'menu-title', user.nick));
    var ping = el('button', null, 'Insert ping');
    ping.type = 'button';
    ping.addEventListener('click', function () {
      var mention = F.mentionText(user.nick) + ' ';
      textBox.value = textBox.value + (textBox.value && !/\s$/.test(textBox.value) ? ' ' : '') + mention;
      closeMenus();
      textBox.focus();
    });
    var pm = el('button', 'pm-button', 'PM');
    pm.type = 'button';
    pm.addEventListener('click', function () { closeMenus(); openPmEditor(id, user.nick, '', '', null); });
    menu.appendChild(ping);
    menu.appendChild(pm);
    var rect = anchor.getBoundingClientRect();
    menu.style.top = rect.bottom + 'px';
    menu.style.right = Math.max(4, window.innerWidth - rect.right) + 'px';
    menu.hidden = false;
  }

  function closeMenus() { $('user-menu').hidden = true; $('settings').hidden = true; }

  /* ---- Private messages -------------------------------------------------------------- */

  function popup(cls, title) {
    var box = el('section', 'popup ' + cls);
    var head = el('div', 'popup-head');
    head.appendChild(el('span', 'popup-title', title));
    var close = el('button', 'popup-close', '\u00d7');
    close.type = 'button';
    close.title = 'Close';
    close.addEventListener('click', function () { box.remove(); });
    head.appendChild(close);
    box.appendChild(head);
    $('popups').appendChild(box);
    return box;
  }

  function nickLabel(nick, id) {
    var wrap = el('span', 'pm-party');
    var n = el('span', 'nick', nick);
    n.style.backgroundColor = F.nickColor(nick);
    wrap.appendChild(n);
    wrap.appendChild(el('span', 'pm-id', ' (' + id + ')'));
    return wrap;
  }

  /** A PM editor: unicast privmsg to a session id; "Later" hides it as a draft. */
  function openPmEditor(to, nick, subject, text, parent) {
    var box = popup('pm-editor', 'Private message');
    var form = el('div', 'pm-form');
    var toRow = el('div', 'pm-row');
    toRow.appendChild(el('span', 'pm-label', 'To: '));
    toRow.appendChild(nickLabel(nick, to));
    var subjectBox = el('input', 'pm-subject');
    subjectBox.placeholder = 'Subject';
    subjectBox.value = subject;
    var body = el('textarea', 'pm-body');
    body.value = text;
    body.rows = 4;
    var status = el('div', 'pm-status');
    var buttons = el('div', 'pm-buttons');
    var later = el('button', null, 'Finish later');
    later.type = 'button';
    var sendButton = el('button', 'pm-send', 'Send');
    sendButton.type = 'button';
    buttons.appendChild(later);
    buttons.appendChild(sendButton);
    [toRow, subjectBox, body, status, buttons].forEach(function (n) { form.appendChild(n); });
    box.appendChild(form);
    later.addEventListener('click', function () { box.classList.add('draft'); box.hidden = true; updateDrafts(); });
    subjectBox.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); body.focus(); } });
    body.addEventListener('keydown', function (e) { if (e.key === 'Enter' && e.ctrlKey) { e.preventDefault(); doSend(); } });
    sendButton.addEventListener('click', doSend);
    function doSend() {
      if (!body.value.trim() || !state.connected) return;
      var data = { type: 'privmsg', nick: state.nick || '', text: body.value };
      if (subjectBox.value) data.subject = subjectBox.value;
      if (parent) data.parent = parent;
      sendButton.disabled = true;
      send('unicast', data, to, function (reply) {
        if (reply.type === 'error') {
          status.textContent = 'Error: ' + ((reply.data && reply.data.message) || 'unknown');
          sendButton.disabled = false;
          return;
        }
        status.textContent = 'Sent as ' + (reply.data && reply.data.id) + ' at ' + F.fullTime(reply.timestamp) + '.';
        box.classList.add('pm-sent');
        subjectBox.disabled = true;
        body.disabled = true;
        later.textContent = 'Dismiss';
        later.onclick = function () { box.remove(); };
      });
    }
    body.focus();
    return box;
  }

  function updateDrafts() {
    var drafts = $('popups').querySelectorAll('.popup.draft[hidden]');
    var link = $('pm-drafts');
    link.hidden = drafts.length === 0;
    link.textContent = 'PM drafts (' + drafts.length + ')';
  }

  function showIncomingPm(pm) {
    state.pms.push(pm);
    var box = popup('pm-viewer unread', 'Private message');
    var meta = el('div', 'pm-meta');
    var fromRow = el('div', 'pm-row');
    fromRow.appendChild(el('span', 'pm-label', 'From: '));
    fromRow.appendChild(nickLabel(pm.nick, pm.from));
    meta.appendChild(fromRow);
    meta.appendChild(el('div', 'pm-row', 'Date: ' + F.fullTime(pm.timestamp)));
    meta.appendChild(el('div', 'pm-row pm-subject-line', 'Subject: ' + (pm.subject || '(none)')));
    box.appendChild(meta);
    var text = el('div', 'pm-text');
    text.appendChild(render(F.parse(pm.text, { room: roomName })));
    box.appendChild(text);
    var buttons = el('div', 'pm-buttons');
    var reply = el('button', 'pm-reply', 'Reply');
    reply.type = 'button';
    var quote = el('button', 'pm-quote', 'Quote & reply');
    quote.type = 'button';
    buttons.appendChild(quote);
    buttons.appendChild(reply);
    box.appendChild(buttons);
    function subject() {
      var s = pm.subject || '';
      return /^Re: /.test(s) ? s : 'Re: ' + s;
    }
    reply.addEventListener('click', function () { readPm(box); openPmEditor(pm.from, pm.nick, subject(), '', pm.id); });
    quote.addEventListener('click', function () {
      readPm(box);
      var quoted = pm.text.split('\n').map(function (l) { return (/^>/.test(l) ? '>' : '> ') + l; }).join('\n') + '\n';
      openPmEditor(pm.from, pm.nick, subject(), quoted, pm.id);
    });
    box.addEventListener('click', function () { readPm(box); });
    state.unreadPMs++;
    updateTitle();
    notify('privmsg', 'PM from ' + pm.nick, pm.text);
  }

  function readPm(box) {
    if (!box.classList.contains('unread')) return;
    box.classList.remove('unread');
    state.unreadPMs = Math.max(0, state.unreadPMs - 1);
    updateTitle();
  }

  /* ---- Connection -------------------------------------------------------------------- */

  function setStatus(kind, text) {
    statusDot.className = 'status-dot ' + kind;
    statusDot.title = 'Connection status: ' + text;
    document.body.classList.toggle('offline', kind !== 'connected');
  }

  function send(type, data, to, callback) {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) return false;
    var frame = { type: type, seq: state.seq++ };
    if (to) frame.to = to;
    if (data !== undefined) frame.data = data;
    if (callback) state.callbacks[frame.seq] = callback;
    state.ws.send(JSON.stringify(frame));
    return true;
  }

  function connect() {
    if (state.unloading || !roomName) return;
    clearTimeout(state.reconnectTimer);
    var ws;
    try { ws = new WebSocket(socketUrl()); } catch (e) { scheduleReconnect(); return; }
    state.ws = ws;
    state.seq = 0;
    state.callbacks = {};
    ws.onopen = function (event) {
      if (state.ws !== ws) return;
      fire('connection.open', { source: event });
      state.connected = true;
      setStatus('connected', 'connected');
      uiMessage('Connected.');
    };
    ws.onmessage = function (event) {
      if (state.ws !== ws) return;
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (!frame || typeof frame !== 'object') return;
      if (fire('connection.message', { source: event, message: frame, _cancel: true }).canceled) return;
      handleFrame(frame);
    };
    ws.onclose = ws.onerror = function (event) {
      if (state.ws !== ws) return;
      fire(event && event.type === 'error' ? 'connection.error' : 'connection.close', { source: event });
      state.ws = null;
      try { ws.close(); } catch (e) { /* already closed */ }
      var was = state.connected;
      state.connected = false;
      state.identity = null;
      state.lastPong = null;
      state.callbacks = {};
      state.logsLive = false;
      state.pending = { before: false, after: false };
      state.awaitingLogs = false;
      state.chosenPeers.clear();
      finishPull();
      /* who is here is unknown until the next identity rebuilds the list */
      state.users.clear();
      renderUsers();
      setStatus(state.everConnected ? 'broken' : 'connecting', state.everConnected ? 'disconnected' : 'connecting');
      if (was) uiMessage('Disconnected. Reconnecting\u2026');
      updateFavicon();
      scheduleReconnect();
    };
  }

  /** Unlike the original's immediate loop: exponential backoff with jitter. */
  function scheduleReconnect() {
    if (state.unloading) return;
    clearTimeout(state.reconnectTimer);
    var delay = F.reconnectDelay(state.reconnectAttempts++);
    state.reconnectTimer = setTimeout(connect, delay);
  }

  function uiMessage(text) {
    var box = $('ui-message');
    box.textContent = text;
  }

  function handleFrame(frame) {
    if (frame.seq !== undefined && state.callbacks[frame.seq]) {
      var cb = state.callbacks[frame.seq];
      delete state.callbacks[frame.seq];
      cb(frame);
    }
    var data = frame.data || {};
    switch (frame.type) {
      case 'identity': onIdentity(data); break;
      case 'pong': state.lastPong = { local: Date.now(), server: frame.timestamp }; break;
      case 'joined':
        if (data.uuid) state.uuids.set(data.id, data.uuid);
        if (state.pull && Date.now() - state.pull.started < 10000 && data.id !== state.id) {
          send('unicast', { type: 'log-query' }, data.id);
        }
        break;
      case 'left':
        state.users.delete(data.id);
        renderUsers();
        if (state.chosenPeers.has(data.id)) {
          /* the peer we asked went away: ask the room again for what it owed us */
          state.chosenPeers.delete(data.id);
          if (state.pending.before || state.messages.size === 0) state.wantBefore = true;
          if (state.pending.after) state.wantAfter = true;
          state.pending = { before: false, after: false };
          state.awaitingLogs = false;
          finishPull();
          startPull();
        }
        break;
      case 'who':
        Object.keys(data).forEach(function (id) { if (data[id] && data[id].uuid) state.uuids.set(id, data[id].uuid); });
        break;
      case 'broadcast':
      case 'unicast':
        onClientMessage(frame, data);
        break;
      default:
        break;
    }
  }

  function onIdentity(data) {
    state.identity = data;
    state.id = data.id;
    state.uuid = data.uuid;
    state.everConnected = true;
    state.reconnectAttempts = 0;
    checkVersion(data);
    if (state.nick !== null) send('broadcast', { type: 'nick', nick: state.nick, uuid: state.uuid });
    state.users.clear();
    renderUsers();
    send('broadcast', { type: 'who' });
    if (state.uuid) state.uuids.set(state.id, state.uuid);
    state.wantAfter = state.messages.size > 0 && !state.logsLive;
    state.wantBefore = state.messages.size === 0;
    startPull();
    updateFavicon();
    if (window.Instant) {
      window.Instant.identity = { id: data.id, uuid: data.uuid, serverVersion: data.version, serverRevision: data.revision, serverEra: data.era, data: data };
    }
    fire('identity.established');
  }

  var firstIdentity = null;
  function checkVersion(data) {
    if (query.get('connect')) return;
    var key = [data.version, data.revision, data.configHash].join('|');
    var page = window._instantVersion_ || {};
    var pageKey = [page.version, page.revision, page.configHash].join('|');
    var notice = $('update-notice');
    if (firstIdentity !== null && firstIdentity !== key) {
      notice.textContent = 'Update available; click to reload.';
      notice.hidden = false;
      notice.onclick = function () { location.reload(); };
    } else if (window._instantVersion_ && pageKey !== key) {
      notice.textContent = 'Your page is outdated; please refresh it manually.';
      notice.hidden = false;
    }
    if (firstIdentity === null) firstIdentity = key;
  }

  function onClientMessage(frame, data) {
    switch (data.type) {
      case 'post': {
        if (typeof frame.id !== 'string') return;
        var msg = normalizePost(frame.id, frame.from, frame.timestamp, data);
        var isNew = storeMessage(msg);
        setUser(frame.from, msg.nick);
        var node = keepScroll(function () { return showMessage(msg, isNew); });
        if (isNew) onLivePost(msg, node);
        break;
      }
      case 'nick':
        setUser(frame.from, data.nick, data.uuid);
        break;
      case 'who':
        if (state.nick !== null) send('unicast', { type: 'nick', nick: state.nick, uuid: state.uuid }, frame.from);
        break;
      case 'log-query':
        answerLogQuery(frame.from);
        break;
      case 'log-info':
        onLogInfo(frame.from, data);
        break;
      case 'log-request':
        answerLogRequest(frame.from, data);
        break;
      case 'log':
        onLog(data);
        break;
      case 'privmsg':
        showIncomingPm({
          id: frame.id, from: frame.from, timestamp: frame.timestamp,
          nick: typeof data.nick === 'string' ? data.nick : '',
          subject: typeof data.subject === 'string' ? data.subject : '',
          text: typeof data.text === 'string' ? data.text : JSON.stringify(data.text),
          parent: data.parent || null
        });
        break;
      default:
        /* delete, log-inquiry, log-done and unknown types: nothing to do in the page */
        break;
    }
  }

  setInterval(renderUsers, 30000);

  /* ---- Keepalive --------------------------------------------------------------------- */

  setInterval(function () {
    if (!state.connected || !state.identity) return;
    var now = Date.now();
    if (state.lastPong && now - state.lastPong.local >= 65000) {
      /* no pong for a whole interval: the connection is dead even if the socket says not */
      if (state.ws) state.ws.onclose();
      return;
    }
    if (!state.lastPong) {
      send('ping');
    } else {
      var skew = state.lastPong.server - state.lastPong.local;
      send('ping', { next: now + skew + 65000 });
    }
  }, 60000);

  /* ---- History: answering peers -------------------------------------------------------- */

  function sortedIds() { return Array.from(state.messages.keys()).sort(); }

  function answerLogQuery(to) {
    var ids = sortedIds();
    var info = ids.length ? { type: 'log-info', from: ids[0], to: ids[ids.length - 1], length: ids.length }
      : { type: 'log-info', from: null, to: null, length: 0 };
    send('unicast', info, to);
  }

  function answerLogRequest(to, req) {
    var ids = sortedIds();
    var lo = 0, hi = ids.length;
    var from = typeof req.from === 'string' ? req.from : null;
    var upTo = typeof req.to === 'string' ? req.to : null;
    var length = typeof req.length === 'number' && req.length >= 0 ? Math.floor(req.length) : null;
    if (from !== null) while (lo < hi && ids[lo] < from) lo++;
    if (upTo !== null) while (hi > lo && ids[hi - 1] > upTo) hi--;
    if (length !== null && !(from !== null && upTo !== null)) {
      /* with a start, count forwards from it; otherwise take the newest ones up to the end */
      if (from !== null) hi = Math.min(hi, lo + length);
      else lo = Math.max(lo, hi - length);
    }
    var out = [];
    var uuids = {};
    for (var i = lo; i < hi; i++) {
      var m = state.messages.get(ids[i]);
      out.push({ id: m.id, parent: m.parent, timestamp: m.timestamp, from: m.from, nick: m.nick, text: m.text });
      if (state.uuids.has(m.from)) uuids[m.from] = state.uuids.get(m.from);
    }
    var reply = { type: 'log', data: out, uuids: uuids };
    ['from', 'to', 'length', 'key'].forEach(function (k) { if (req[k] !== undefined) reply[k] = req[k]; });
    send('unicast', reply, to);
  }

  /* ---- History: pulling from peers ----------------------------------------------------- */

  /* Peers answer a log-query at once. With no answer after this long nobody present holds
   * history: the round still takes late answers until its 10 s are up, but the page stops
   * saying it is loading (an empty room would otherwise spin for the whole round). */
  var QUIET_ROOM_MS = 2000;

  function paintSpinner() {
    var p = state.pull;
    var asking = !!p && (p.lastInfo !== null || Date.now() - p.started < QUIET_ROOM_MS);
    spinner.hidden = !asking && !state.awaitingLogs;
  }

  function startPull() {
    if (state.pull || !state.connected) return;
    if (!state.wantBefore && !state.wantAfter && state.messages.size > 0) return;
    state.pull = { started: Date.now(), lastInfo: null, oldestPeer: null, oldestFrom: null, newestPeer: null, newestTo: null };
    paintSpinner();
    send('broadcast', { type: 'log-query' });
    state.pull.timer = setInterval(pollPull, 100);
  }

  function finishPull() {
    if (state.pull) clearInterval(state.pull.timer);
    state.pull = null;
    paintSpinner();
  }

  function onLogInfo(from, info) {
    if (from === state.id || !state.pull) return;
    var p = state.pull;
    if (typeof info.from === 'string' && (p.oldestFrom === null || info.from < p.oldestFrom)) { p.oldestFrom = info.from; p.oldestPeer = from; }
    if (typeof info.to === 'string' && (p.newestTo === null || info.to > p.newestTo)) { p.newestTo = info.to; p.newestPeer = from; }
    p.lastInfo = Date.now();
    paintSpinner();
  }

  function pollPull() {
    var p = state.pull;
    if (!p) return;
    var now = Date.now();
    paintSpinner();
    if (now - p.started < 10000 && (p.lastInfo === null || now - p.lastInfo < 1000)) return;
    clearInterval(p.timer);
    state.chosenPeers.clear();
    var ids = sortedIds();
    var sent = false;
    if (ids.length === 0) {
      var peer = p.oldestPeer || p.newestPeer;
      if (peer) {
        send('unicast', { type: 'log-request', key: 'initial' }, peer);
        state.chosenPeers.add(peer);
        state.pending = { before: true, after: true };
        sent = true;
      }
      state.wantBefore = false;
    } else {
      if (state.wantBefore && p.oldestPeer && p.oldestFrom < ids[0]) {
        send('unicast', { type: 'log-request', to: ids[0], key: 'before' }, p.oldestPeer);
        state.chosenPeers.add(p.oldestPeer);
        state.pending.before = true;
        sent = true;
      }
      state.wantBefore = false;
      if (state.wantAfter && p.newestPeer && p.newestTo > ids[ids.length - 1]) {
        send('unicast', { type: 'log-request', from: ids[ids.length - 1], key: 'after' }, p.newestPeer);
        state.chosenPeers.add(p.newestPeer);
        state.pending.after = true;
        sent = true;
      } else {
        state.logsLive = true;
      }
      state.wantAfter = false;
    }
    state.awaitingLogs = sent;
    state.awaitingSince = Date.now();
    finishPull();
  }

  function requestOlder() {
    /* a peer that never answers must not block loading for good */
    if (state.awaitingLogs && Date.now() - state.awaitingSince > 15000) state.awaitingLogs = false;
    if (state.pull || state.awaitingLogs || !state.connected) return;
    state.wantBefore = true;
    startPull();
  }

  function onLog(data) {
    var list = Array.isArray(data.data) ? data.data : [];
    if (data.uuids && typeof data.uuids === 'object') {
      Object.keys(data.uuids).forEach(function (id) { state.uuids.set(id, data.uuids[id]); });
    }
    var added = [];
    list.forEach(function (raw) {
      if (!raw || typeof raw.id !== 'string') return;
      var msg = normalizePost(raw.id, raw.from, raw.timestamp, raw);
      if (storeMessage(msg)) added.push(msg);
    });
    added.sort(function (a, b) { return a.id < b.id ? -1 : a.id > b.id ? 1 : 0; });
    keepScroll(function () { added.forEach(function (msg) { showMessage(msg, false); }); });
    if (data.key === 'initial' || data.key === 'before' || data.key === 'after') {
      if (data.key !== 'after') state.pending.before = false;
      if (data.key !== 'before') state.pending.after = false;
      state.awaitingLogs = state.pending.before || state.pending.after;
      paintSpinner();
      if (data.key === 'after' || data.key === 'initial') state.logsLive = true;
      /* keep filling: older history while the top is in view; newer until caught up
       * (the original meant to loop "after" too but never did) */
      if ((data.key === 'before' || data.key === 'initial') && list.length > 1 && pane.scrollTop === 0) {
        requestOlder();
      } else if (data.key === 'after' && list.length > 1) {
        state.logsLive = false;
        state.wantAfter = true;
        startPull();
      }
    }
    if (pendingFragment) goToFragment();
  }

  /* ---- Posting ----------------------------------------------------------------------- */

  function sendPost() {
    var text = textBox.value;
    /* whitespace alone is an empty message too: it would show as a blank post */
    if (!text.trim() || !state.connected || !state.identity) return;
    if (state.nick === null) commitNick();
    var post = { type: 'post', nick: state.nick || '', text: text, parent: currentParent() };
    if (fire('input.post', { message: post, text: text, _cancel: true }).canceled) return;
    send('broadcast', post);
    textBox.value = '';
    autoGrow();
  }

  /* ---- Copying a selection as a text tree ------------------------------------------- */

  /** The lines a selection spanning several messages copies as: "| " per depth level, then
   *  "<nick> text" (continuation lines keep the indent); null within one message. */
  function selectionAsTree(selection) {
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    var lines = [];
    pane.querySelectorAll('.message > .line').forEach(function (line) {
      if (!range.intersectsNode(line)) return;
      var node = line.parentNode;
      if (isHidden(node)) return;
      var msg = state.messages.get(node.getAttribute('data-id'));
      var depth = 0;
      for (var n = ownerOf(node.parentNode); n; n = ownerOf(n.parentNode)) depth++;
      var indent = new Array(depth + 1).join('| ');
      var head = msg ? '<' + msg.nick + '> ' : '<...> ';
      var text = msg ? msg.text : '';
      lines.push(indent + head + text.split('\n').join('\n' + indent + new Array(head.length + 1).join(' ')));
    });
    return lines.length > 1 ? lines : null;
  }

  function onCopy(event) {
    var lines = selectionAsTree(window.getSelection());
    if (!lines || !event.clipboardData) return;
    event.preventDefault();
    var text = lines.join('\n');
    event.clipboardData.setData('text/plain', text);
    var pre = el('pre', null, text);
    event.clipboardData.setData('text/html', pre.outerHTML);
  }

  /* ---- Fragments --------------------------------------------------------------------- */

  var pendingFragment = null;
  function goToFragment() {
    var m = /^#message-(\w+)$/.exec(location.hash);
    if (!m) { pendingFragment = null; return; }
    var node = messageNode(m[1]);
    if (!node || node.classList.contains('placeholder')) {
      pendingFragment = m[1];
      if (state.messages.size) requestOlder();
      return;
    }
    pendingFragment = null;
    document.querySelectorAll('.message.highlight').forEach(function (n) { n.classList.remove('highlight'); });
    node.classList.add('highlight');
    moveBarInto(node);
    node.scrollIntoView({ block: 'center' });
  }

  /* ---- Theme ------------------------------------------------------------------------- */

  function applyTheme() {
    var theme = loadSettings().theme || 'auto';
    var dark = theme === 'dark' || (theme === 'auto' && window.matchMedia && matchMedia('(prefers-color-scheme: dark)').matches);
    document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
    var meta = document.querySelector('meta[name=theme-color]');
    if (meta) meta.content = dark ? '#202225' : '#f4f4f4';
    $('setting-theme').value = theme;
  }

  /* ---- Wiring ------------------------------------------------------------------------ */

  function init() {
    fire('init.early');
    document.title = roomName ? '&' + roomName + ' \u2014 Instant' : 'Instant';
    $('room-name').textContent = roomName ? '&' + roomName : '(no room)';
    if (pathMatch && pathMatch[1]) $('room-stage').textContent = '(' + pathMatch[1] + ')';

    var settings = loadSettings();
    if (typeof settings.nickname === 'string') {
      state.nick = settings.nickname;
      nickBox.value = settings.nickname;
    }
    paintNickBox();
    $('setting-notify').value = notifyLevel();
    applyTheme();
    if (window.matchMedia) matchMedia('(prefers-color-scheme: dark)').addEventListener('change', applyTheme);

    nickBox.addEventListener('input', paintNickBox);
    /* the font size changes with the narrow layout */
    window.addEventListener('resize', paintNickBox);
    nickBox.addEventListener('change', commitNick);
    nickBox.addEventListener('blur', commitNick);
    nickBox.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { e.preventDefault(); commitNick(); textBox.focus(); }
      else if (e.key === 'Escape') { e.preventDefault(); nickBox.value = state.nick || ''; paintNickBox(); }
    });
    textBox.addEventListener('keydown', onTextKey);
    textBox.addEventListener('input', autoGrow);
    textBox.addEventListener('focus', function () { $('nick-prompt').hidden = true; });
    textBox.addEventListener('paste', function (e) {
      var text = e.clipboardData && e.clipboardData.getData('text/plain');
      if (text && /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(text.trim()) && F.linkTarget(text.trim())) {
        e.preventDefault();
        textBox.setRangeText('<' + text.trim() + '>', textBox.selectionStart, textBox.selectionEnd, 'end');
      }
    });

    /* click a message line to reply; a drag of 4px or more is a selection, not a click */
    var down = null;
    pane.addEventListener('mousedown', function (e) { down = { x: e.clientX, y: e.clientY }; });
    pane.addEventListener('click', function (e) {
      if (down && Math.abs(e.clientX - down.x) + Math.abs(e.clientY - down.y) >= 4) return;
      if (e.target.closest('a, button, input, textarea, #input-bar')) return;
      var line = e.target.closest('.line');
      if (!line) return;
      replyTo(line.parentNode);
    });

    pane.addEventListener('copy', onCopy);
    pane.addEventListener('scroll', function () {
      if (pane.scrollTop === 0) requestOlder();
      if (state.focused) markVisibleRead();
      updateArrows();
    });

    window.addEventListener('focus', function () {
      state.focused = true;
      state.unreadTitle = 0;
      state.unreadPing = false;
      state.unreadReply = false;
      updateTitle();
      markVisibleRead();
    });
    window.addEventListener('blur', function () { state.focused = false; });
    window.addEventListener('pagehide', function () { state.unloading = true; });
    window.addEventListener('beforeunload', function () { state.unloading = true; });
    window.addEventListener('hashchange', goToFragment);
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && e.target !== textBox && e.target !== nickBox) {
        closeMenus();
        textBox.focus();
        inputBar.scrollIntoView({ block: 'nearest' });
      }
    });
    document.addEventListener('click', function (e) {
      if (!e.target.closest('#user-menu, #settings, #settings-button')) closeMenus();
    });

    $('unread-up').addEventListener('click', function () { pageJump(-1); });
    $('unread-down').addEventListener('click', function () { pageJump(1); });
    $('room-name').addEventListener('click', barToTop);
    $('user-count').addEventListener('click', function () { document.body.classList.toggle('users-toggled'); });
    $('sidebar-toggle').addEventListener('click', function () { document.body.classList.toggle('sidebar-hidden'); });
    $('settings-button').addEventListener('click', function (e) { $('settings').hidden = !$('settings').hidden; e.stopPropagation(); });
    $('setting-theme').addEventListener('change', function () { saveSetting('theme', this.value); applyTheme(); });
    $('setting-notify').addEventListener('change', function () {
      saveSetting('notification-level', this.value);
      if (this.value !== 'none' && 'Notification' in window && Notification.permission === 'default') Notification.requestPermission();
    });
    $('pm-drafts').addEventListener('click', function () {
      $('popups').querySelectorAll('.popup.draft[hidden]').forEach(function (p) { p.hidden = false; p.classList.remove('draft'); });
      updateDrafts();
    });
    $('splash-close').addEventListener('click', hideSplash);

    setStatus('connecting', 'connecting');
    if (location.hash) pendingFragment = location.hash;
    if (roomName) {
      fetch('/api/auth', { credentials: 'same-origin' }).catch(function () { /* only sets the cookie */ });
      connect();
    } else {
      setStatus('local', 'local mode');
    }
    hideSplash();
    textBox.focus();
    if (state.nick === null) { $('nick-prompt').hidden = false; nickBox.focus(); }
    fire('init.late');
    /* site.js (the plugins) runs after this script: init.final comes once it has */
    document.addEventListener('DOMContentLoaded', function () { fire('init.final'); });
  }

  function hideSplash() {
    var splash = $('splash');
    if (splash) splash.classList.add('gone');
  }

  /* A small window for the browser tests and the console; never used by the page itself. */
  if (window.Instant) {
    window.Instant.roomName = roomName;
    window.Instant.connection = {
      send: send,
      isConnected: function () { return state.connected; }
    };
    window.Instant.input = { node: textBox, nickNode: nickBox };
  }

  window.InstantClient = {
    state: state,
    room: roomName,
    barParent: currentParent
  };

  init();
})();
