/* Instant.Actors browser client: the input bar: its place in the tree (which gives the
 * parent of the next post), keyboard navigation, the nick box, and posting. */

import { send } from './connection.js';
import { $, fire, inputBar, loadSettings, nickBox, pane, rootList, roomName, saveSetting, state, textBox } from './core.js';
import { F } from './format.js';
import { requestOlder } from './history.js';
import { markRead, nearestUnread, updateArrows } from './notifications.js';
import { isHidden, keepScroll, messageNode, normalizePost, ownerOf, repliesOf, showMessage, storeMessage } from './tree.js';

/* ---- Input bar placement and keyboard navigation ------------------------------------- */

export function isBarAtRoot() { return inputBar.parentNode === rootList; }

export function currentParent() {
  var owner = ownerOf(inputBar.parentNode);
  return owner ? owner.getAttribute('data-id') : null;
}

export function placeBar(container) {
  var hadFocus = document.activeElement === textBox;
  container.appendChild(inputBar);
  if (hadFocus) textBox.focus();
  inputBar.scrollIntoView({ block: 'nearest' });
  updateArrows();
}

export function moveBarInto(node) { placeBar(repliesOf(node)); textBox.focus(); }

export function lastMessageChild(container) {
  var kids = container.children;
  for (var i = kids.length - 1; i >= 0; i--) if (kids[i].classList.contains('message')) return kids[i];
  return null;
}

/** Click on a message line: back out, continue the thread, or nest (CLIENT.md 1.3). */
export function replyTo(node) {
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
export function barSlots() {
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

export function moveBarVertically(direction) {
  var slots = barSlots();
  var index = slots.indexOf(inputBar.parentNode);
  var target = index + direction;
  if (target < 0) { requestOlder(); return; }
  if (target >= slots.length) return;
  placeBar(slots[target]);
}

export function moveBarOut() {
  var owner = ownerOf(inputBar.parentNode);
  if (owner) placeBar(owner.parentNode);
}

export function moveBarIn() {
  var above = inputBar.previousElementSibling;
  if (above && above.classList.contains('message')) placeBar(repliesOf(above));
}

export function barToTop() {
  placeBar(rootList);
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  textBox.focus();
  pane.scrollTop = pane.scrollHeight;
}

export function onTextKey(event) {
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
export function pageJump(direction) {
  var target = nearestUnread(direction);
  if (target) { moveBarInto(target); markRead(target); return; }
  if (direction < 0 && pane.scrollTop === 0) { requestOlder(); return; }
  pane.scrollTop += direction * pane.clientHeight * 0.9;
}

export function autoGrow() {
  textBox.style.height = 'auto';
  textBox.style.height = Math.min(textBox.scrollHeight, window.innerHeight / 2) + 'px';
}

/* ---- Nick box ---------------------------------------------------------------------- */

var measureContext = null;

/** Width in px of `text` in the font of `node` (characters differ too much for `ch`). */
export function textWidth(text, node) {
  if (!measureContext) measureContext = document.createElement('canvas').getContext('2d');
  var cs = getComputedStyle(node);
  measureContext.font = cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
  return measureContext.measureText(text).width;
}

export function paintNickBox() {
  var value = nickBox.value;
  nickBox.style.backgroundColor = F.nickColor(value);
  var cs = getComputedStyle(nickBox);
  var frame = ['paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth']
    .reduce(function (sum, k) { return sum + (parseFloat(cs[k]) || 0); }, 0);
  /* +2 px for the caret at the end */
  nickBox.style.width = Math.ceil(textWidth(value || nickBox.placeholder, nickBox) + frame + 2) + 'px';
}

export function commitNick() {
  var value = nickBox.value;
  /* leaving an empty box without ever having had a nick announces nothing */
  if (value === state.nick || (state.nick === null && value === '')) return;
  fire('input.nickChange', { oldNick: state.nick, nick: value });
  state.nick = value;
  saveSetting('nickname', value);
  if (state.connected && state.identity) send('broadcast', { type: 'nick', nick: value, uuid: state.uuid });
  refreshPings();
}

export function refreshPings() {
  state.messages.forEach(function (msg) {
    var node = messageNode(msg.id);
    if (node) node.classList.toggle('ping', F.mentions(msg.text, state.nick));
  });
}

/* ---- Posting ----------------------------------------------------------------------- */

export function sendPost() {
  var text = textBox.value;
  /* whitespace alone is an empty message too: it would show as a blank post */
  if (!text.trim()) return;
  if (!roomName) { postLocally(text); return; }
  if (!state.connected || !state.identity) return;
  if (state.nick === null) commitNick();
  var post = { type: 'post', nick: state.nick || '', text: text, parent: currentParent() };
  if (fire('input.post', { message: post, text: text, _cancel: true }).canceled) return;
  send('broadcast', post);
  textBox.value = '';
  autoGrow();
}

/* Local mode (a page outside any room): posts stay on this page, numbered local-00000000 on. */
var localPosts = 0;

function postLocally(text) {
  if (state.nick === null) commitNick();
  var post = { type: 'post', nick: state.nick || '', text: text, parent: currentParent() };
  if (fire('input.post', { message: post, text: text, _cancel: true }).canceled) return;
  var id = 'local-' + String(localPosts++).padStart(8, '0');
  var msg = normalizePost(id, null, Date.now(), post);
  storeMessage(msg);
  keepScroll(function () { return showMessage(msg, false); });
  textBox.value = '';
  autoGrow();
}

/* ---- Wiring ------------------------------------------------------------------------ */

/** Takes the stored nick and wires the nick box, the message box and click-to-reply. */
export function initInput() {
  var settings = loadSettings();
  if (typeof settings.nickname === 'string') {
    state.nick = settings.nickname;
    nickBox.value = settings.nickname;
  }
  paintNickBox();

  nickBox.addEventListener('input', function (e) {
    paintNickBox();
    fire('input.nickEdit', { nick: nickBox.value, source: e });
  });
  /* the font size changes with the narrow layout */
  window.addEventListener('resize', paintNickBox);
  nickBox.addEventListener('change', commitNick);
  nickBox.addEventListener('blur', commitNick);
  nickBox.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') { e.preventDefault(); commitNick(); textBox.focus(); }
    else if (e.key === 'Escape') { e.preventDefault(); nickBox.value = state.nick || ''; paintNickBox(); }
  });
  textBox.addEventListener('keydown', onTextKey);
  textBox.addEventListener('input', function (e) {
    autoGrow();
    fire('input.update', { text: textBox.value, source: e });
  });
  textBox.addEventListener('focus', function () { $('nick-prompt').hidden = true; });
  textBox.addEventListener('paste', function (e) {
    if (fire('input.paste', { source: e, _cancel: function () { e.preventDefault(); } }).canceled) return;
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
    var line = e.target.closest('.line');
    if (!line || e.target.closest('#input-bar')) return;
    if (fire('message.click', { source: e, message: line.parentNode, _cancel: function () { e.preventDefault(); } }).canceled) return;
    if (e.target.closest('a, button, input, textarea')) return;
    replyTo(line.parentNode);
  });

  $('unread-up').addEventListener('click', function () { pageJump(-1); });
  $('unread-down').addEventListener('click', function () { pageJump(1); });
  $('room-name').addEventListener('click', barToTop);
}

/** Focuses the message box, or the nick box with its prompt while no nick was ever set. */
export function focusInput() {
  textBox.focus();
  if (state.nick === null) { $('nick-prompt').hidden = false; nickBox.focus(); }
}
