/* Instant.Actors browser client: the WebSocket: sending, reconnecting, dispatching server
 * frames and client-level messages (PROTOCOL.md section 6), and the keepalive. */

import { fire, roomName, socketUrl, state } from './core.js';
import { F } from './format.js';
import { answerLogQuery, answerLogRequest, finishPull, onLog, onLogInfo, startPull } from './history.js';
import { notify, onLivePost, updateFavicon } from './notifications.js';
import { showIncomingPm } from './pms.js';
import { checkVersion, renderUsers, setStatus, setUser, uiMessage } from './sidebar.js';
import { keepScroll, normalizePost, showMessage, storeMessage } from './tree.js';

/* ---- Connection -------------------------------------------------------------------- */

export function send(type, data, to, callback) {
  if (!state.ws || state.ws.readyState !== WebSocket.OPEN) return false;
  var frame = { type: type, seq: state.seq++ };
  if (to) frame.to = to;
  if (data !== undefined) frame.data = data;
  if (callback) state.callbacks[frame.seq] = callback;
  state.ws.send(JSON.stringify(frame));
  return true;
}

export function connect() {
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
    if (was) {
      uiMessage('Disconnected. Reconnecting\u2026');
      notify('disconnect', '&' + roomName, 'Disconnected. Reconnecting\u2026');
    }
    updateFavicon();
    scheduleReconnect();
  };
}

/** Unlike the original's immediate loop: exponential backoff with jitter. */
export function scheduleReconnect() {
  if (state.unloading) return;
  clearTimeout(state.reconnectTimer);
  var delay = F.reconnectDelay(state.reconnectAttempts++);
  state.reconnectTimer = setTimeout(connect, delay);
}


export function handleFrame(frame) {
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

export function onIdentity(data) {
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

export function onClientMessage(frame, data) {
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
      onLog(data, frame);
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

/* ---- Wiring ------------------------------------------------------------------------ */

/** Connects to the room of the URL (no room: local mode); stops reconnecting on unload. */
export function initConnection() {
  window.addEventListener('pagehide', function () { state.unloading = true; });
  window.addEventListener('beforeunload', function () { state.unloading = true; });
  if (roomName) {
    fetch('/api/auth', { credentials: 'same-origin' }).catch(function () { /* only sets the cookie */ });
    connect();
  } else {
    setStatus('local', 'local mode');
  }
}
