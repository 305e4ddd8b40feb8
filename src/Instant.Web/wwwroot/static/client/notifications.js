/* Instant.Actors browser client: unread tracking (offscreen messages, the arrows by the
 * input bar), the title and favicon counters, and desktop notifications. */

import { $, fire, inputBar, loadSettings, pane, roomName, saveSetting, state } from './core.js';
import { addPreview, removePreview } from './previews.js';
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
  addPreview(node);
}

export function markRead(lineOrNode) {
  var node = lineOrNode.classList.contains('line') ? lineOrNode.parentNode : lineOrNode;
  var id = node.getAttribute('data-id');
  if (!state.unread.has(id)) return;
  state.unread.delete(id);
  node.classList.remove('unread');
  removePreview(id);
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

/* Most severe first; a notification shows when its level is at least as severe as the
 * setting. Nobody picks "noise" (your own posts, hidden payloads): plugins see it. */
export var LEVELS = ['none', 'privmsg', 'ping', 'update', 'embed', 'reply', 'activity', 'disconnect', 'noise'];

function rank(level) { var i = LEVELS.indexOf(level); return i < 0 ? LEVELS.length : i; }

export function updateTitle() {
  var base = roomName ? '&' + roomName : 'Instant';
  var suffix = ' \u2014 Instant';
  if (state.unreadPMs) suffix = ' (' + state.unreadPMs + '!!!)';
  else if (state.unreadTitle) suffix = ' (' + state.unreadTitle + (state.unreadPing ? '!!' : '') + (state.updateAvailable ? ' !' : '') + ')';
  else if (state.updateAvailable) suffix = ' (!)';
  var title = roomName ? base + suffix : 'Instant';
  if (document.title !== title) {
    document.title = title;
    fire('windowTitle.set', { title: title });
  }
  updateFavicon();
}

var faviconImage = null;
var faviconColor = null;
export function updateFavicon() {
  var color = null;
  if (state.unreadPMs) color = '#800080';
  else if (state.unreadPing) color = '#c0c000';
  else if (state.updateAvailable) color = '#008000';
  else if (state.unreadReply) color = '#0040ff';
  else if (state.unreadTitle) color = '#c0c0c0';
  else if (state.everConnected && !state.connected) color = '#c00000';
  var link = $('favicon');
  if (!color) { setFavicon(link, '/static/instant-logo.png', null); return; }
  if (!faviconImage) {
    faviconImage = new Image();
    faviconImage.onload = updateFavicon;
    faviconImage.src = '/static/instant-logo.png';
    return;
  }
  if (!faviconImage.complete || color === faviconColor) return;
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
  setFavicon(link, canvas.toDataURL('image/png'), color);
}

function setFavicon(link, url, color) {
  if (faviconColor === color && link.getAttribute('href') === url) return;
  faviconColor = color;
  link.href = url;
  link.setAttribute('data-color', color || '');
  fire('favicon.set', { url: url });
}

export function notifyLevel() { return loadSettings()['notification-level'] || 'ping'; }

function noDisturb() { return loadSettings()['no-disturb'] === true; }

/**
 * Submits a notification: { level, title, body, onclick }. Plugins see it first
 * (notifications.submit, cancellable); with "Do not disturb", one less severe than the
 * chosen level leaves the title, the favicon and the desktop alone.
 */
export function submitNotification(notification) {
  var setting = notifyLevel();
  var data = { notify: notification, suppress: noDisturb() && rank(notification.level) > rank(setting), _cancel: true };
  if (fire('notifications.submit', data).canceled) return null;
  if (!data.suppress) {
    countForTitle(notification.level);
    showDesktop(notification, setting);
  }
  fire('notifications.submitLate', data);
  return notification;
}

/** The title and favicon counters: messages count while the window is away; an update stays. */
function countForTitle(level) {
  if (level === 'update') state.updateAvailable = true;
  else if (!state.focused && (level === 'ping' || level === 'reply' || level === 'activity')) {
    state.unreadTitle++;
    if (level === 'ping') state.unreadPing = true;
    if (level === 'reply') state.unreadReply = true;
  } else return;
  updateTitle();
}

function showDesktop(notification, setting) {
  if (state.focused || !('Notification' in window)) return;
  if (setting === 'none' || rank(notification.level) > rank(setting)) return;
  if (Notification.permission !== 'granted') return;
  if (state.notification) state.notification.close();
  var n = new Notification(notification.title, { body: notification.body, icon: '/static/instant-logo.png' });
  n.onclick = function () { window.focus(); if (notification.onclick) notification.onclick(); n.close(); };
  state.notification = n;
  setTimeout(function () { n.close(); }, 10000);
}

/** Shorthand for submitNotification. */
export function notify(level, title, body, onclick) {
  return submitNotification({ level: level, title: title, body: body, onclick: onclick });
}

/** The message a reply "answers" for notifications: the previous sibling, else the parent. */
export function commentParent(node) {
  var prev = node.previousElementSibling;
  if (prev && prev.classList.contains('message')) return prev;
  var owner = ownerOf(node.parentNode);
  return owner;
}

/** The level of a live post: noise (yours, or hidden), ping, reply (to you) or activity. */
export function postLevel(node) {
  if (node.classList.contains('mine') || isHidden(node)) return 'noise';
  if (node.classList.contains('ping')) return 'ping';
  var cp = commentParent(node);
  return cp && cp.classList.contains('mine') ? 'reply' : 'activity';
}

export function onLivePost(msg, node) {
  var level = postLevel(node);
  var body = F.isEmote(msg.text) ? '* ' + msg.nick + msg.text.substring(3) : '[' + msg.nick + '] ' + msg.text;
  notify(level, '&' + roomName, body, function () { moveBarInto(node); });
  if (level !== 'noise') updateArrows();
}

/* ---- Wiring ------------------------------------------------------------------------ */

export function initNotifications() {
  $('setting-notify').value = notifyLevel();
  $('setting-notify').addEventListener('change', function () {
    saveSetting('notification-level', this.value);
    if (this.value !== 'none' && 'Notification' in window && Notification.permission === 'default') Notification.requestPermission();
    fire('settings.apply', { source: null });
  });
  $('setting-no-disturb').checked = noDisturb();
  $('setting-no-disturb').addEventListener('change', function () {
    saveSetting('no-disturb', this.checked);
    fire('settings.apply', { source: null });
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
