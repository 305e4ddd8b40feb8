/* Instant.Actors browser client: history ("logs") exchanged peer to peer: answering
 * other clients' log queries and pulling what this page lacks. */

import { send } from './connection.js';
import { fire, pane, spinner, state } from './core.js';
import { goToPendingFragment } from './fragments.js';
import { keepScroll, normalizePost, showMessage, storeMessage } from './tree.js';

/* ---- History: answering peers -------------------------------------------------------- */

export function sortedIds() { return Array.from(state.messages.keys()).sort(); }

export function answerLogQuery(to) {
  var ids = sortedIds();
  var info = ids.length ? { type: 'log-info', from: ids[0], to: ids[ids.length - 1], length: ids.length }
    : { type: 'log-info', from: null, to: null, length: 0 };
  send('unicast', info, to);
}

export function answerLogRequest(to, req) {
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

export function paintSpinner() {
  var p = state.pull;
  var asking = !!p && (p.lastInfo !== null || Date.now() - p.started < QUIET_ROOM_MS);
  var hidden = !asking && !state.awaitingLogs;
  if (spinner.hidden === hidden) return;
  spinner.hidden = hidden;
  fire('spinner.visibility', { visible: !hidden });
}

export function startPull() {
  if (state.pull || !state.connected) return;
  if (!state.wantBefore && !state.wantAfter && state.messages.size > 0) return;
  state.pull = { started: Date.now(), lastInfo: null, oldestPeer: null, oldestFrom: null, newestPeer: null, newestTo: null };
  paintSpinner();
  send('broadcast', { type: 'log-query' });
  state.pull.timer = setInterval(pollPull, 100);
}

export function finishPull() {
  if (state.pull) clearInterval(state.pull.timer);
  state.pull = null;
  paintSpinner();
}

export function onLogInfo(from, info) {
  if (from === state.id || !state.pull) return;
  var p = state.pull;
  if (typeof info.from === 'string' && (p.oldestFrom === null || info.from < p.oldestFrom)) { p.oldestFrom = info.from; p.oldestPeer = from; }
  if (typeof info.to === 'string' && (p.newestTo === null || info.to > p.newestTo)) { p.newestTo = info.to; p.newestPeer = from; }
  p.lastInfo = Date.now();
  paintSpinner();
}

/* A round asks for logs once the log-infos have stopped coming for this long. Peers answer a
 * log-query at once, so a quarter second gathers them; the original waited a whole second,
 * which alone kept a room's first screen from showing within one. */
var INFO_QUIET_MS = 250;

export function pollPull() {
  var p = state.pull;
  if (!p) return;
  var now = Date.now();
  paintSpinner();
  if (now - p.started < 10000 && (p.lastInfo === null || now - p.lastInfo < INFO_QUIET_MS)) return;
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

export function requestOlder() {
  /* a peer that never answers must not block loading for good */
  if (state.awaitingLogs && Date.now() - state.awaitingSince > 15000) state.awaitingLogs = false;
  if (state.pull || state.awaitingLogs || !state.connected) return;
  state.wantBefore = true;
  startPull();
}

/** A log reply (`frame` is the whole frame, `data` its payload), as the original fires it: logs.new. */
export function onLog(data, frame) {
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
  fire('logs.new', { message: frame || null, data: data });
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
  goToPendingFragment();
}

export function initHistory() {
  /* scrolled to the very top: load older history */
  pane.addEventListener('scroll', function () { if (pane.scrollTop === 0) requestOlder(); });
}
