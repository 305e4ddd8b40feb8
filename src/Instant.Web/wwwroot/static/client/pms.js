/* Instant.Actors browser client: private messages: the editor (a unicast privmsg to one
 * session), viewers for received and sent PMs, and the list of the inbox, outbox and drafts,
 * all as popups; pmstore.js keeps them across reloads. */

import { send } from './connection.js';
import { $, el, fire, roomName, state } from './core.js';
import { F, render } from './format.js';
import { notify, updateTitle } from './notifications.js';
import { forgetPm, newDraftKey, pmsOfRoom, rememberPm, retargetDraft } from './pmstore.js';
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

function button(cls, text) {
  var b = el('button', cls, text);
  b.type = 'button';
  return b;
}

function uuidOf(id) {
  var user = state.users.get(id);
  return (user && user.uuid) || state.uuids.get(id) || null;
}

/**
 * A PM editor: unicast privmsg to a session id. Its content is kept as a draft (under
 * `draftKey`, or a new key) until it is sent or deleted; "Finish later" hides it.
 */
export function openPmEditor(to, nick, subject, text, parent, draftKey) {
  var draft = { key: draftKey || newDraftKey(), room: roomName, to: to, toNick: nick, toUuid: uuidOf(to), subject: subject, text: text, parent: parent || null };
  var box = popup('pm-editor', 'Private message');
  box.setAttribute('data-draft', draft.key);
  var form = el('div', 'pm-form');
  var toRow = el('div', 'pm-row');
  var retarget = button('pm-retarget', 'Find again');
  retarget.title = 'Send to whoever now has this session, or the same nick and UUID, or the same UUID';
  function paintTo() {
    toRow.textContent = '';
    toRow.appendChild(el('span', 'pm-label', 'To: '));
    var label = nickLabel(draft.toNick, draft.to);
    var here = state.users.has(draft.to);
    label.classList.toggle('gone', !here);
    toRow.appendChild(label);
    if (!here) toRow.appendChild(retarget);
  }
  paintTo();
  /* shown again (a hidden draft reopened): the addressee may have left or come back meanwhile */
  box.addEventListener('pm-shown', paintTo);
  var subjectBox = el('input', 'pm-subject');
  subjectBox.placeholder = 'Subject';
  subjectBox.value = subject;
  var body = el('textarea', 'pm-body');
  body.value = text;
  body.rows = 4;
  var status = el('div', 'pm-status');
  var buttons = el('div', 'pm-buttons');
  var later = button(null, 'Finish later');
  var remove = button('pm-delete', 'Delete');
  var sendButton = button('pm-send', 'Send');
  buttons.appendChild(later);
  buttons.appendChild(remove);
  buttons.appendChild(sendButton);
  [toRow, subjectBox, body, status, buttons].forEach(function (n) { form.appendChild(n); });
  box.appendChild(form);
  /* kept as soon as it holds something; an emptied editor is no draft */
  function keepDraft() {
    if (box.classList.contains('pm-sent')) return;
    draft.subject = subjectBox.value;
    draft.text = body.value;
    if (draft.subject || draft.text) rememberPm('drafts', draft); else forgetPm('drafts', draft.key);
    updatePmLinks();
  }
  keepDraft();
  subjectBox.addEventListener('input', keepDraft);
  body.addEventListener('input', keepDraft);
  retarget.addEventListener('click', function () {
    var found = retargetDraft(draft, state.users);
    if (found === null) { status.textContent = draft.toNick + ' is not here.'; return; }
    draft.to = found;
    draft.toUuid = uuidOf(found) || draft.toUuid;
    status.textContent = '';
    keepDraft();
    paintTo();
  });
  later.addEventListener('click', function () { keepDraft(); box.classList.add('draft'); box.hidden = true; updatePmLinks(); });
  remove.addEventListener('click', function () { forgetPm('drafts', draft.key); box.remove(); updatePmLinks(); });
  subjectBox.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); body.focus(); } });
  body.addEventListener('keydown', function (e) { if (e.key === 'Enter' && e.ctrlKey) { e.preventDefault(); doSend(); } });
  sendButton.addEventListener('click', doSend);
  function doSend() {
    if (!body.value.trim() || !state.connected) return;
    var data = { type: 'privmsg', nick: state.nick || '', text: body.value };
    if (subjectBox.value) data.subject = subjectBox.value;
    if (draft.parent) data.parent = draft.parent;
    /* plugins may change the recipient or the payload, or cancel */
    var event = { popup: box, recipient: draft.to, data: data, _cancel: true };
    if (fire('pm.send', event).canceled) return;
    sendButton.disabled = true;
    send('unicast', event.data, event.recipient, function (reply) {
      if (reply.type === 'error') {
        status.textContent = 'Error: ' + ((reply.data && reply.data.message) || 'unknown');
        sendButton.disabled = false;
        return;
      }
      var id = reply.data && reply.data.id;
      status.textContent = 'Sent as ' + id + ' at ' + F.fullTime(reply.timestamp) + '.';
      box.classList.add('pm-sent');
      subjectBox.disabled = true;
      body.disabled = true;
      remove.remove();
      later.textContent = 'Dismiss';
      later.onclick = function () { box.remove(); };
      forgetPm('drafts', draft.key);
      if (typeof id === 'string') {
        rememberPm('outbox', { key: id, id: id, room: roomName, to: draft.to, toNick: draft.toNick, toUuid: draft.toUuid,
          subject: subjectBox.value, text: body.value, timestamp: reply.timestamp, parent: draft.parent });
      }
      updatePmLinks();
    });
  }
  body.focus();
  fire('pm.write', { popup: box });
  return box;
}

/** Received PMs: a viewer popup, unread until clicked, kept in the inbox. */
export function showIncomingPm(pm) {
  state.pms.push(pm);
  rememberPm('inbox', { key: pm.id, id: pm.id, room: roomName, from: pm.from, nick: pm.nick, uuid: uuidOf(pm.from),
    subject: pm.subject, text: pm.text, timestamp: pm.timestamp, parent: pm.parent, read: false });
  var box = openPmViewer(pm, true);
  box.classList.add('unread');
  state.unreadPMs++;
  updateTitle();
  updatePmLinks();
  notify('privmsg', 'PM from ' + pm.nick, pm.text);
}

/** A viewer of a received (`incoming`) or sent PM: who, when, subject and the formatted text. */
function openPmViewer(pm, incoming) {
  var box = popup(incoming ? 'pm-viewer' : 'pm-viewer pm-afterview', incoming ? 'Private message' : 'Sent private message');
  box.setAttribute('data-pm', pm.id);
  var meta = el('div', 'pm-meta');
  var partyRow = el('div', 'pm-row');
  partyRow.appendChild(el('span', 'pm-label', incoming ? 'From: ' : 'To: '));
  partyRow.appendChild(nickLabel(incoming ? pm.nick : pm.toNick, incoming ? pm.from : pm.to));
  meta.appendChild(partyRow);
  meta.appendChild(el('div', 'pm-row', 'Date: ' + F.fullTime(pm.timestamp)));
  meta.appendChild(el('div', 'pm-row pm-subject-line', 'Subject: ' + (pm.subject || '(none)')));
  box.appendChild(meta);
  var text = el('div', 'pm-text');
  text.appendChild(render(F.parse(pm.text, { room: roomName })));
  box.appendChild(text);
  var buttons = el('div', 'pm-buttons');
  var reply = button('pm-reply', incoming ? 'Reply' : 'Follow up');
  var quote = button('pm-quote', incoming ? 'Quote & reply' : 'Quote & follow up');
  buttons.appendChild(quote);
  buttons.appendChild(reply);
  box.appendChild(buttons);
  function subject() {
    var s = pm.subject || '';
    return /^Re: /.test(s) ? s : 'Re: ' + s;
  }
  var to = incoming ? pm.from : pm.to, toNick = incoming ? pm.nick : pm.toNick;
  function answer(quoted) {
    readPm(box);
    return openPmEditor(to, toNick, incoming ? subject() : pm.subject || '', quoted, pm.id);
  }
  reply.addEventListener('click', function () { answer(''); });
  quote.addEventListener('click', function () {
    answer(pm.text.split('\n').map(function (l) { return (/^>/.test(l) ? '>' : '> ') + l; }).join('\n') + '\n');
  });
  box.addEventListener('click', function () { readPm(box); });
  fire('pm.read', { popup: box });
  return box;
}

export function readPm(box) {
  if (!box.classList.contains('unread')) return;
  box.classList.remove('unread');
  state.unreadPMs = Math.max(0, state.unreadPMs - 1);
  var id = box.getAttribute('data-pm');
  var entry = pmsOfRoom('inbox', roomName).filter(function (e) { return e.key === id; })[0];
  if (entry) { entry.read = true; rememberPm('inbox', entry); }
  updateTitle();
  updatePmLinks();
}

/* ---- The list of inbox, outbox and drafts --------------------------------------------- */

/** The sidebar links: hidden drafts of this page, and the PM list with its counts. */
export function updatePmLinks() {
  var drafts = $('popups').querySelectorAll('.popup.draft[hidden]');
  var link = $('pm-drafts');
  link.hidden = drafts.length === 0;
  link.textContent = 'PM drafts (' + drafts.length + ')';
  var counts = ['inbox', 'drafts', 'outbox'].map(function (list) { return pmsOfRoom(list, roomName).length; });
  var list = $('pm-list-link');
  list.hidden = counts[0] + counts[1] + counts[2] === 0;
  list.textContent = 'Private messages (' + counts[0] + 'i; ' + counts[1] + 'd; ' + counts[2] + 'o)';
  fire('pm.update', { unread: state.unreadPMs, inbox: counts[0], drafts: counts[1], outbox: counts[2] });
}

function pmListRow(entry, partyNick, partyId, onOpen) {
  var row = button('pm-list-entry', null);
  if (entry.read === false) row.classList.add('unread');
  row.appendChild(el('span', 'pm-list-date', entry.timestamp ? F.fullTime(entry.timestamp) : 'draft'));
  row.appendChild(nickLabel(partyNick, partyId));
  row.appendChild(el('span', 'pm-list-subject', entry.subject || '(none)'));
  row.addEventListener('click', onOpen);
  return row;
}

/** A popup listing this room's inbox, drafts and outbox, newest first; a row opens its PM. */
export function openPmList() {
  var old = $('popups').querySelector('.pm-list');
  if (old) old.remove();
  var box = popup('pm-list', 'Private messages');
  function section(title, list, makeRow) {
    var entries = pmsOfRoom(list, roomName).reverse();
    var part = el('div', 'pm-list-section pm-list-' + list);
    part.appendChild(el('div', 'pm-list-title', title + ' (' + entries.length + ')'));
    entries.forEach(function (entry) { part.appendChild(makeRow(entry)); });
    box.appendChild(part);
  }
  section('Inbox', 'inbox', function (e) {
    return pmListRow(e, e.nick, e.from, function () {
      box.remove();
      openPmViewer(e, true);
      if (!e.read) { e.read = true; rememberPm('inbox', e); }
    });
  });
  section('Drafts', 'drafts', function (e) {
    return pmListRow(e, e.toNick, e.to, function () {
      box.remove();
      var open = $('popups').querySelector('.pm-editor[data-draft="' + CSS.escape(e.key) + '"]');
      if (open) { showDraft(open); updatePmLinks(); return; }
      openPmEditor(e.to, e.toNick, e.subject || '', e.text || '', e.parent, e.key);
    });
  });
  section('Outbox', 'outbox', function (e) {
    return pmListRow(e, e.toNick, e.to, function () { box.remove(); openPmViewer(e, false); });
  });
  var buttons = el('div', 'pm-buttons');
  var clear = button('pm-delete-all', 'Delete all');
  clear.addEventListener('click', function () {
    if (!window.confirm('Delete all private messages of this room?')) return;
    ['inbox', 'drafts', 'outbox'].forEach(function (list) {
      pmsOfRoom(list, roomName).forEach(function (e) { forgetPm(list, e.key); });
    });
    box.remove();
    updatePmLinks();
  });
  buttons.appendChild(clear);
  box.appendChild(buttons);
  return box;
}

function showDraft(box) {
  box.hidden = false;
  box.classList.remove('draft');
  box.dispatchEvent(new Event('pm-shown'));
}

export function initPms() {
  $('pm-drafts').addEventListener('click', function () {
    $('popups').querySelectorAll('.popup.draft[hidden]').forEach(showDraft);
    updatePmLinks();
  });
  $('pm-list-link').addEventListener('click', openPmList);
  updatePmLinks();
}
