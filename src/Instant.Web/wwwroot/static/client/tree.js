/* Instant.Actors browser client: the message tree: message nodes, sorted siblings,
 * placeholders for unknown parents, hidden /data messages, and copying a selection. */

import { $, el, fire, inputBar, pane, rootList, state } from './core.js';
import { F, fillContent } from './format.js';
import { isBarAtRoot } from './input.js';
import { observeVisibility } from './notifications.js';

/* ---- Messages ---------------------------------------------------------------------- */

export function messageNode(id) { return $('message-' + id); }

export function repliesOf(node) { return node === null ? rootList : node.querySelector(':scope > .replies'); }

/** The message node whose replies hold `container`, or null for the top level. */
export function ownerOf(container) { return container === rootList ? null : container.parentNode; }

export function makeMessageNode(id) {
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

/* The node last inserted into each container: history arrives sorted, so the next message
 * usually goes right after it, found without searching. */
var lastInserted = new WeakMap();

/** Inserts `node` into `container`, keeping messages sorted by id and the input bar last. */
export function insertSorted(container, node) {
  var id = node.getAttribute('data-id');
  var before = nextAfterHint(container, id);
  if (before === undefined) before = searchInsertionPoint(container, id);
  container.insertBefore(node, before);
  lastInserted.set(container, node);
}

/** The node to insert before when `id` belongs right after the last one inserted, else undefined. */
function nextAfterHint(container, id) {
  var hint = lastInserted.get(container);
  if (!hint || hint.parentNode !== container || hint.getAttribute('data-id') >= id) return undefined;
  var next = hint.nextElementSibling;
  if (next === null || next === inputBar) return next;
  return next.getAttribute('data-id') > id ? next : undefined;
}

/** Binary search over the children (a live collection: each index costs a walk, so used only off the fast path). */
function searchInsertionPoint(container, id) {
  var kids = Array.prototype.slice.call(container.children);
  var lo = 0, hi = kids.length;
  while (hi > lo && kids[hi - 1] === inputBar) hi--;
  var end = hi;
  while (lo < hi) {
    var mid = (lo + hi) >> 1;
    if (kids[mid].getAttribute('data-id') < id) lo = mid + 1; else hi = mid;
  }
  return lo < end ? kids[lo] : (kids[end] || null);
}

export function fillMessageNode(node, msg) {
  var line = node.querySelector(':scope > .line');
  var time = line.querySelector('.time');
  time.textContent = F.shortTime(msg.timestamp);
  time.title = F.fullTime(msg.timestamp);
  var nick = line.querySelector('.nick');
  var content = line.querySelector('.content');
  content.textContent = '';
  node.classList.remove('placeholder');
  node.classList.toggle('emote', F.isEmote(msg.text));
  nick.textContent = msg.nick;
  nick.style.backgroundColor = F.nickColor(msg.nick);
  node.classList.toggle('data', F.isData(msg.text));
  fillContent(content, msg);
  node.querySelector(':scope > .replies').style.borderLeftColor = F.nickColor(msg.nick);
  node.classList.toggle('mine', msg.from === state.id && state.id !== null);
  node.classList.toggle('ping', F.mentions(msg.text, state.nick));
}

/** Places a message in the tree, creating a placeholder for an unknown parent. */
export function showMessage(msg, live) {
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
export function isHidden(node) { return node.classList.contains('data') && !node.classList.contains('data-shown'); }

/** Re-decides, from `node` up to the top, which /data messages a visible reply keeps shown. */
export function refreshHidden(node) {
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

export function makePlaceholder(node) {
  node.classList.add('placeholder');
  var time = node.querySelector('.time');
  time.textContent = 'N/A';
  time.title = 'Message absent or not loaded (yet)';
  node.querySelector('.nick').textContent = '...';
}

/** Stores a post; returns true when it was not known before. */
export function storeMessage(msg) {
  var known = state.messages.get(msg.id);
  state.messages.set(msg.id, msg);
  return !known;
}

export function normalizePost(id, from, timestamp, data) {
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
export function keepScroll(change) {
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

/* ---- Copying a selection as a text tree ------------------------------------------- */

/** The lines a selection spanning several messages copies as: "| " per depth level, then
 *  "<nick> text" (continuation lines keep the indent); null within one message. */
export function selectionAsTree(selection) {
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

export function onCopy(event) {
  var lines = selectionAsTree(window.getSelection());
  if (!lines || !event.clipboardData) return;
  event.preventDefault();
  var text = lines.join('\n');
  /* a plugin may rewrite both forms before they reach the clipboard */
  var copied = { text: text, html: el('pre', null, text).outerHTML };
  fire('message.copy', copied);
  event.clipboardData.setData('text/plain', copied.text);
  event.clipboardData.setData('text/html', copied.html);
}

export function initTree() {
  pane.addEventListener('copy', onCopy);
}
