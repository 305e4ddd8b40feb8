/* Instant.Actors browser client: private messages kept across reloads, in localStorage under
 * `instant-pm-backup`: the inbox, the outbox and unsent drafts, each entry tagged with its room.
 * The original kept them in sessionStorage (one tab only); a reload or a new tab keeps ours. */

var STORAGE_KEY = 'instant-pm-backup';
/* the newest entries of each list that are kept, so storage stays small */
var KEPT_PER_LIST = 200;
var LISTS = ['inbox', 'outbox', 'drafts'];

function entriesOf(value) {
  return Array.isArray(value) ? value.filter(function (e) { return e && typeof e === 'object' && typeof e.key === 'string'; }) : [];
}

/** All lists as stored, each entry an object with a string `key`; whatever is malformed is dropped. */
export function loadPmStore() {
  var data;
  try { data = JSON.parse(localStorage.getItem(STORAGE_KEY) || '{}') || {}; } catch (e) { data = {}; }
  var store = {};
  LISTS.forEach(function (list) { store[list] = entriesOf(data[list]); });
  return store;
}

function savePmStore(store) {
  LISTS.forEach(function (list) { store[list] = store[list].slice(-KEPT_PER_LIST); });
  try { localStorage.setItem(STORAGE_KEY, JSON.stringify(store)); } catch (e) { /* full or private mode */ }
}

/** Adds `entry` to `list`, replacing the entry with the same key. */
export function rememberPm(list, entry) {
  var store = loadPmStore();
  store[list] = store[list].filter(function (e) { return e.key !== entry.key; });
  store[list].push(entry);
  savePmStore(store);
}

export function forgetPm(list, key) {
  var store = loadPmStore();
  store[list] = store[list].filter(function (e) { return e.key !== key; });
  savePmStore(store);
}

/** The entries of `list` that belong to `room`, oldest first. */
export function pmsOfRoom(list, room) {
  return loadPmStore()[list].filter(function (e) { return e.room === room; });
}

export function newDraftKey() {
  return 'draft-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 8);
}

/**
 * Whom a draft goes to now: its session if still here, else a session with the same nick and
 * UUID, else one with the same UUID; null when none is. `users` maps session id -> {nick, uuid}.
 */
export function retargetDraft(draft, users) {
  if (users.has(draft.to)) return draft.to;
  var byNickAndUuid = null, byUuid = null;
  users.forEach(function (user, id) {
    if (!draft.toUuid || user.uuid !== draft.toUuid) return;
    if (user.nick === draft.toNick && byNickAndUuid === null) byNickAndUuid = id;
    if (byUuid === null) byUuid = id;
  });
  return byNickAndUuid || byUuid;
}
