/* Instant.Actors browser client: private messages: the editor (a unicast privmsg to one
 * session) and incoming PM viewers, both as popups. */

import { send } from './connection.js';
import { $, el, roomName, state } from './core.js';
import { F, render } from './format.js';
import { notify, updateTitle } from './notifications.js';
import { popup } from './popups.js';

/* ---- Private messages -------------------------------------------------------------- */

export function nickLabel(nick, id) {
  var wrap = el('span', 'pm-party');
  var n = el('span', 'nick', nick);
  n.style.backgroundColor = F.nickColor(nick);
  wrap.appendChild(n);
  wrap.appendChild(el('span', 'pm-id', ' (' + id + ')'));
  return wrap;
}

/** A PM editor: unicast privmsg to a session id; "Later" hides it as a draft. */
export function openPmEditor(to, nick, subject, text, parent) {
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

export function updateDrafts() {
  var drafts = $('popups').querySelectorAll('.popup.draft[hidden]');
  var link = $('pm-drafts');
  link.hidden = drafts.length === 0;
  link.textContent = 'PM drafts (' + drafts.length + ')';
}

export function showIncomingPm(pm) {
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

export function readPm(box) {
  if (!box.classList.contains('unread')) return;
  box.classList.remove('unread');
  state.unreadPMs = Math.max(0, state.unreadPMs - 1);
  updateTitle();
}

export function initPms() {
  $('pm-drafts').addEventListener('click', function () {
    $('popups').querySelectorAll('.popup.draft[hidden]').forEach(function (p) { p.hidden = false; p.classList.remove('draft'); });
    updateDrafts();
  });
}
