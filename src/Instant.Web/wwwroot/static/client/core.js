/* Instant.Actors browser client: what every feature module shares: plugin events, DOM
 * helpers, settings storage, the room from the URL, the page state and its main elements. */

/** Fires a plugin event (instant-plugins.js); without that script nothing listens. */
export function fire(type, data) {
  return window.Instant && window.Instant._fireListeners ? window.Instant._fireListeners(type, data) : { canceled: false };
}

/* ---- Small DOM helpers ------------------------------------------------------------ */

export function $(id) { return document.getElementById(id); }

export function el(tag, cls, text) {
  var node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text != null) node.textContent = text;
  return node;
}

/* ---- Settings (shared key layout with the original client, so the nick carries over) */

var STORAGE_KEY = 'instant-data';

export function loadSettings() {
  try { return JSON.parse(localStorage.getItem(STORAGE_KEY) || '{}') || {}; } catch (e) { return {}; }
}

/** Sets (or, with `value` undefined, deletes) one setting; fires storage.set or storage.del, then storage.save. */
export function saveSetting(key, value) {
  var data = loadSettings();
  var oldValue = data[key];
  if (value === undefined) {
    delete data[key];
    fire('storage.del', { key: key, oldValue: oldValue });
  } else {
    data[key] = value;
    fire('storage.set', { key: key, value: value, oldValue: oldValue });
  }
  fire('storage.save');
  try { localStorage.setItem(STORAGE_KEY, JSON.stringify(data)); } catch (e) { /* private mode */ }
}

/* ---- Room and URLs ----------------------------------------------------------------- */

export var pathMatch = /^(?:\/dev\/([^\/]+))?\/room\/([a-zA-Z](?:[\w-]*[a-zA-Z0-9])?)\/?$/.exec(location.pathname);
export var roomName = pathMatch ? pathMatch[2] : null;
export var query = new URLSearchParams(location.search);

export function socketUrl() {
  if (query.get('connect')) return query.get('connect');
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/room/' + roomName + '/ws';
}

/* ---- State ------------------------------------------------------------------------- */

export var state = {
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

export var pane = $('messages');
export var rootList = $('thread-root');
export var inputBar = $('input-bar');
export var nickBox = $('nick-input');
export var textBox = $('message-input');
export var statusDot = $('connection-status');
export var userList = $('user-list');
export var userCount = $('user-count');
export var spinner = $('log-spinner');
