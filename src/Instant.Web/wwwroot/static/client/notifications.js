/* Instant.Actors browser client: unread tracking (offscreen messages, the arrows by the
 * input bar), the title and favicon counters, and desktop notifications. */

import { $, inputBar, loadSettings, pane, roomName, saveSetting, state } from './core.js';
import { F } from './format.js';
import { moveBarInto } from './input.js';
import { isHidden, messageNode, ownerOf } from './tree.js';

/* ---- Visibility and unread tracking ------------------------------------------------- */

var visibility = 'IntersectionObserver' in window ? new IntersectionObserver(function (entries) {
  entries.forEach(function (entry) {
    var node = entry.target;
    node.classList.toggle('offscreen', !entry.isIntersecting);
    if (entry.isIntersecting && state.focused) markRead(node);
  });
}, { root: pane }) : null;

export function observeVisibility(node) {
  var id = node.getAttribute('data-id');
  state.unread.add(id);
  node.classList.add('unread');
  if (visibility) visibility.observe(node.querySelector(':scope > .line'));
}

export function markRead(lineOrNode) {
  var node = lineOrNode.classList.contains('line') ? lineOrNode.parentNode : lineOrNode;
  var id = node.getAttribute('data-id');
  if (!state.unread.has(id)) return;
  state.unread.delete(id);
  node.classList.remove('unread');
  updateArrows();
}

export function markVisibleRead() {
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
export function updateArrows() {
  if (arrowsPending) return;
  arrowsPending = true;
  requestAnimationFrame(function () { arrowsPending = false; paintArrows(); });
}

export function paintArrows() {
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

export function nearestUnread(direction) {
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

export function updateTitle() {
  var base = roomName ? '&' + roomName : 'Instant';
  var suffix = ' \u2014 Instant';
  if (state.unreadPMs) suffix = ' (' + state.unreadPMs + '!!!)';
  else if (state.unreadTitle) suffix = ' (' + state.unreadTitle + (state.unreadPing ? '!!' : '') + ')';
  document.title = roomName ? base + suffix : 'Instant';
  updateFavicon();
}

var faviconImage = null;
export function updateFavicon() {
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

export function notifyLevel() { return loadSettings()['notification-level'] || 'ping'; }

export function notify(level, title, body, onclick) {
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
export function commentParent(node) {
  var prev = node.previousElementSibling;
  if (prev && prev.classList.contains('message')) return prev;
  var owner = ownerOf(node.parentNode);
  return owner;
}

export function onLivePost(msg, node) {
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

/* ---- Wiring ------------------------------------------------------------------------ */

export function initNotifications() {
  $('setting-notify').value = notifyLevel();
  $('setting-notify').addEventListener('change', function () {
    saveSetting('notification-level', this.value);
    if (this.value !== 'none' && 'Notification' in window && Notification.permission === 'default') Notification.requestPermission();
  });
  pane.addEventListener('scroll', function () {
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
}
