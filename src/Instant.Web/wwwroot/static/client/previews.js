/* Instant.Actors browser client: the unread-previews panel in the sidebar (opt-in, Drawer
 * and Pane modes only). It lists unread messages as a tree, each under its nearest
 * previewed ancestor; an entry is the nick, the text cut short and a live age. Clicking an
 * entry goes to the message. While the pointer is over the panel, changes wait, so an entry
 * never moves under the pointer. Text reaches the DOM only through textContent. */

import { $, el, loadSettings, state } from './core.js';
import { F } from './format.js';
import { moveBarInto } from './input.js';
import { markRead } from './notifications.js';
import { sidebarMode } from './sidebar.js';
import { messageNode } from './tree.js';

var DEFAULT_TRIM = 100;
var FLASH_MS = 4000;

var waiting = [];
var hovered = false;

function panel() { return $('previews'); }
function list() { return $('preview-list'); }
function entryOf(id) { return $('preview-' + id); }

/** On: the setting is set and the sidebar is a Drawer or a Pane. */
export function previewsEnabled() {
  return loadSettings()['unread-previews'] === true && sidebarMode() !== 'overlay';
}

/** Runs a change now, or once the pointer has left the panel. */
function whenSettled(change) {
  if (hovered) waiting.push(change); else change();
}

function trimLength() {
  var n = parseInt(loadSettings()['message-preview-trim'], 10);
  return n > 0 ? n : DEFAULT_TRIM;
}

/** "5s", "3m", "2h": how long ago a message was posted. */
export function ageText(timestamp, now) {
  var s = Math.max(0, Math.floor((now - timestamp) / 1000));
  if (s < 60) return s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm';
  return Math.floor(s / 3600) + 'h';
}

function makeEntry(msg) {
  var entry = el('div', 'preview');
  entry.id = 'preview-' + msg.id;
  entry.setAttribute('data-id', msg.id);
  var line = el('div', 'preview-line');
  line.title = 'Go to the message';
  var collapse = el('button', 'preview-collapse', '\u25be');
  collapse.type = 'button';
  collapse.title = 'Collapse or expand the replies';
  var nick = el('span', 'nick preview-nick', msg.nick);
  nick.style.backgroundColor = F.nickColor(msg.nick);
  var limit = trimLength();
  var text = msg.text.length > limit ? msg.text.substring(0, limit) + '\u2026' : msg.text;
  var body = el('span', 'preview-text', text);
  var age = el('span', 'preview-age', msg.timestamp ? ageText(msg.timestamp, Date.now()) : '');
  if (msg.timestamp) age.setAttribute('data-timestamp', String(msg.timestamp));
  var remove = el('button', 'preview-remove', '\u00d7');
  remove.type = 'button';
  remove.title = 'Remove this preview';
  [collapse, nick, body, age, remove].forEach(function (n) { line.appendChild(n); });
  entry.appendChild(line);
  entry.appendChild(el('div', 'preview-replies'));
  collapse.addEventListener('click', function (e) { e.stopPropagation(); entry.classList.toggle('collapsed'); });
  remove.addEventListener('click', function (e) { e.stopPropagation(); dropEntry(entry); paint(); });
  line.addEventListener('click', function () { goTo(msg.id); });
  return entry;
}

/** Inserts in id order, which is time order. */
function insertSorted(container, entry) {
  var id = entry.getAttribute('data-id');
  var kids = container.children;
  for (var i = 0; i < kids.length; i++) {
    if (kids[i].getAttribute('data-id') > id) { container.insertBefore(entry, kids[i]); return; }
  }
  container.appendChild(entry);
}

/** The replies of the nearest ancestor that has a preview, else the top of the list. */
function containerFor(msg) {
  for (var parent = msg.parent; parent; ) {
    var entry = entryOf(parent);
    if (entry) return entry.querySelector(':scope > .preview-replies');
    var known = state.messages.get(parent);
    parent = known ? known.parent : null;
  }
  return list();
}

/** Removes an entry; its replies move up to where it was. */
function dropEntry(entry) {
  var container = entry.parentNode;
  var replies = entry.querySelector(':scope > .preview-replies');
  while (replies.firstChild) insertSorted(container, replies.firstChild);
  entry.remove();
}

/** Called for each live message that becomes unread. */
export function addPreview(node) {
  var id = node.getAttribute('data-id');
  var msg = state.messages.get(id);
  if (!msg) return;
  whenSettled(function () {
    if (entryOf(id) || !state.unread.has(id)) return;
    var entry = makeEntry(msg);
    var container = containerFor(msg);
    insertSorted(container, entry);
    /* replies already previewed at the top (their parent came later) move under it */
    Array.prototype.slice.call(list().children).forEach(function (other) {
      var m = state.messages.get(other.getAttribute('data-id'));
      if (other !== entry && m && containerFor(m) !== list()) insertSorted(containerFor(m), other);
    });
    paint();
  });
}

/** Called when a message has been read. */
export function removePreview(id) {
  whenSettled(function () {
    var entry = entryOf(id);
    if (entry) { dropEntry(entry); paint(); }
  });
}

function goTo(id) {
  var node = messageNode(id);
  if (!node) return;
  moveBarInto(node);
  node.scrollIntoView({ block: 'center' });
  node.classList.remove('flash');
  /* restart the animation when the same message is flashed twice in a row */
  void node.offsetWidth;
  node.classList.add('flash');
  setTimeout(function () { node.classList.remove('flash'); }, FLASH_MS);
  markRead(node);
  var entry = entryOf(id);
  if (entry) { dropEntry(entry); paint(); }
}

function count() { return list().querySelectorAll('.preview').length; }

/** Shows the panel when it is on and has entries; updates the counter. */
function paint() {
  var n = count();
  panel().hidden = !previewsEnabled() || n === 0;
  $('previews-count').textContent = 'Unread messages (' + n + ')';
}

/** Re-reads the settings (previews on or off, the sidebar mode). */
export function refreshPreviews() { paint(); }

function tickAges() {
  var now = Date.now();
  list().querySelectorAll('.preview-age[data-timestamp]').forEach(function (age) {
    age.textContent = ageText(Number(age.getAttribute('data-timestamp')), now);
  });
}

export function initPreviews() {
  var box = panel();
  box.addEventListener('mouseenter', function () { hovered = true; });
  box.addEventListener('mouseleave', function () {
    hovered = false;
    var changes = waiting;
    waiting = [];
    changes.forEach(function (change) { change(); });
  });
  $('previews-collapse-all').addEventListener('click', function () {
    var entries = list().querySelectorAll(':scope > .preview');
    var collapse = Array.prototype.some.call(entries, function (e) { return !e.classList.contains('collapsed'); });
    entries.forEach(function (e) { e.classList.toggle('collapsed', collapse); });
  });
  $('previews-clear-all').addEventListener('click', function () {
    if (!window.confirm('Remove all unread previews?')) return;
    list().textContent = '';
    paint();
  });
  setInterval(tickAges, 1000);
  paint();
}
