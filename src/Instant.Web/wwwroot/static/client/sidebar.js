/* Instant.Actors browser client: the sidebar: user list and user menu, settings and theme,
 * the connection status dot, UI messages and the update notice. */

import { $, el, fire, loadSettings, pathMatch, query, roomName, saveSetting, state, statusDot, textBox, userCount, userList } from './core.js';
import { F } from './format.js';
import { notify } from './notifications.js';
import { openPmEditor } from './pms.js';
import { refreshPreviews } from './previews.js';
import { goToPendingUser } from './fragments.js';
import { popup } from './popups.js';

/* ---- User list --------------------------------------------------------------------- */

export function setUser(id, nick, uuid) {
  var user = state.users.get(id) || { nick: '', uuid: null };
  if (typeof nick === 'string') user.nick = nick;
  if (uuid) { user.uuid = uuid; state.uuids.set(id, uuid); }
  user.active = Date.now();
  state.users.set(id, user);
  renderUsers();
  /* a #user-ID fragment may wait for this user */
  goToPendingUser();
}

var renderUsersPending = false;
export function renderUsers() {
  if (renderUsersPending) return;
  renderUsersPending = true;
  requestAnimationFrame(function () {
    renderUsersPending = false;
    var entries = [];
    state.users.forEach(function (u, id) { entries.push({ id: id, nick: u.nick, active: u.active }); });
    entries.sort(function (a, b) {
      return a.nick < b.nick ? -1 : a.nick > b.nick ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
    userList.textContent = '';
    entries.forEach(function (u) {
      if (!u.nick) return;
      var chip = el('button', 'nick user-chip', u.nick);
      chip.type = 'button';
      chip.style.backgroundColor = F.nickColor(u.nick);
      /* idle people fade over ten minutes, to 65 %: still 4.5:1 on every nick colour */
      var idle = Math.min(1, Math.max(0, (Date.now() - (u.active || 0)) / 600000));
      chip.style.color = 'rgba(0, 0, 0, ' + (1 - idle * 0.35).toFixed(2) + ')';
      chip.setAttribute('data-id', u.id);
      chip.title = u.nick + ' (' + u.id + ')';
      chip.addEventListener('click', function (e) { openUserMenu(u.id, chip); e.stopPropagation(); });
      userList.appendChild(chip);
    });
    userCount.textContent = entries.length + (entries.length === 1 ? ' user' : ' users');
    fire('userList.update', { count: entries.length });
  });
}

export function openUserMenu(id, anchor) {
  var menu = $('user-menu');
  var user = state.users.get(id);
  if (!user) return;
  menu.textContent = '';
  menu.appendChild(el('div', 'menu-title', user.nick));
  var ping = el('button', null, 'Insert ping');
  ping.type = 'button';
  ping.addEventListener('click', function () {
    var mention = F.mentionText(user.nick) + ' ';
    textBox.value = textBox.value + (textBox.value && !/\s$/.test(textBox.value) ? ' ' : '') + mention;
    closeMenus();
    textBox.focus();
  });
  var pm = el('button', 'pm-button', 'PM');
  pm.type = 'button';
  pm.addEventListener('click', function () { closeMenus(); openPmEditor(id, user.nick, '', '', null); });
  var info = el('button', 'info-button', 'Info');
  info.type = 'button';
  info.addEventListener('click', function () { closeMenus(); openUserInfo(id); });
  menu.appendChild(ping);
  menu.appendChild(pm);
  menu.appendChild(info);
  var rect = anchor.getBoundingClientRect();
  menu.style.top = rect.bottom + 'px';
  menu.style.right = Math.max(4, window.innerWidth - rect.right) + 'px';
  menu.hidden = false;
}

export function closeMenus() {
  $('user-menu').hidden = true;
  if (!$('settings').hidden) showSettings(false, null);
}

/* ---- Sidebar modes and visibility ---------------------------------------------------- */

export var SIDEBAR_MODES = ['overlay', 'drawer', 'pane'];

/** The stored mode: Overlay floats over the chat, Drawer slides in from the edge, Pane is a column. */
export function sidebarMode() {
  var mode = loadSettings().sidebar;
  return SIDEBAR_MODES.indexOf(mode) >= 0 ? mode : 'overlay';
}

export function applySidebarMode() {
  var mode = sidebarMode();
  SIDEBAR_MODES.forEach(function (m) { document.body.classList.toggle('sidebar-' + m, m === mode); });
  $('setting-sidebar').value = mode;
  refreshPreviews();
}

/** Opens or closes the sidebar (the drawer handle), remembering it as sidebar-visible. */
export function showSidebar(open, source) {
  var wasOpen = !document.body.classList.contains('sidebar-hidden');
  document.body.classList.toggle('sidebar-hidden', !open);
  saveSetting('sidebar-visible', open);
  /* the original's spelling, so its plugins hear it */
  fire('sidebar.visbility', { wasOpen: wasOpen, open: open, source: source });
}

function showSettings(visible, source) {
  var wasVisible = !$('settings').hidden;
  $('settings').hidden = !visible;
  if (wasVisible !== visible) fire('settings.visibility', { visible: visible, wasVisible: wasVisible, source: source });
}

/** Opens the user menu of session `id` by its chip (or the user counter); false if nobody has that id. */
export function openUserMenuOf(id) {
  if (!state.users.has(id)) return false;
  var chip = userList.querySelector('.user-chip[data-id="' + CSS.escape(id) + '"]');
  openUserMenu(id, chip || userCount);
  return true;
}

/** The "Info" view of a user: nick, session id, UUID and when last active (one per user). */
export function openUserInfo(id) {
  var user = state.users.get(id);
  if (!user) return null;
  var old = $('popups').querySelector('.user-info[data-user="' + CSS.escape(id) + '"]');
  if (old) old.remove();
  var box = popup('user-info', 'User info');
  box.setAttribute('data-user', id);
  var nick = el('span', 'nick', user.nick);
  nick.style.backgroundColor = F.nickColor(user.nick);
  var rows = [
    ['Name', nick],
    ['ID', el('span', 'user-info-id', id)],
    ['UUID', el('span', 'user-info-uuid', user.uuid || state.uuids.get(id) || 'unknown')],
    ['Last active', el('span', 'user-info-active', user.active ? F.fullTime(user.active) : 'N/A')]
  ];
  var table = el('dl', 'user-info-rows');
  rows.forEach(function (row) {
    table.appendChild(el('dt', null, row[0]));
    var dd = el('dd');
    dd.appendChild(row[1]);
    table.appendChild(dd);
  });
  box.appendChild(table);
  return box;
}

/* ---- Theme ------------------------------------------------------------------------- */

export function applyTheme() {
  var theme = loadSettings().theme || 'auto';
  var dark = theme === 'dark' || (theme === 'auto' && window.matchMedia && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
  var meta = document.querySelector('meta[name=theme-color]');
  if (meta) meta.content = dark ? '#202225' : '#f4f4f4';
  $('setting-theme').value = theme;
}

/* ---- Status dot, UI messages, update notice ----------------------------------------- */

export function setStatus(kind, text) {
  statusDot.className = 'status-dot ' + kind;
  statusDot.title = 'Connection status: ' + text;
  document.body.classList.toggle('offline', kind !== 'connected');
}

export function uiMessage(text) {
  var box = $('ui-message');
  box.textContent = text;
}

var firstIdentity = null;
export function checkVersion(data) {
  if (query.get('connect')) return;
  var key = [data.version, data.revision, data.configHash].join('|');
  var page = window._instantVersion_ || {};
  var pageKey = [page.version, page.revision, page.configHash].join('|');
  var notice = $('update-notice');
  if (firstIdentity !== null && firstIdentity !== key) {
    notice.textContent = 'Update available; click to reload.';
    notice.hidden = false;
    notice.onclick = function () { location.reload(); };
    if (!state.updateAvailable) notify('update', '&' + roomName, 'Update available; click to reload.', function () { location.reload(); });
  } else if (window._instantVersion_ && pageKey !== key) {
    notice.textContent = 'Your page is outdated; please refresh it manually.';
    notice.hidden = false;
  }
  if (firstIdentity === null) firstIdentity = key;
}


/* ---- Wiring ------------------------------------------------------------------------ */

export function initSidebar() {
  $('room-name').textContent = roomName ? '&' + roomName : 'local';
  $('room-name').classList.toggle('local', !roomName);
  if (pathMatch && pathMatch[1]) $('room-stage').textContent = '(' + pathMatch[1] + ')';
  applyTheme();
  if (window.matchMedia) matchMedia('(prefers-color-scheme: dark)').addEventListener('change', applyTheme);
  document.addEventListener('click', function (e) {
    if (!e.target.closest('#user-menu, #settings, #settings-button')) closeMenus();
  });
  $('user-count').addEventListener('click', function () { document.body.classList.toggle('users-toggled'); });
  $('sidebar-toggle').addEventListener('click', function (e) { showSidebar(document.body.classList.contains('sidebar-hidden'), e); });
  $('settings-button').addEventListener('click', function (e) { showSettings($('settings').hidden, e); e.stopPropagation(); });
  $('setting-sidebar').addEventListener('change', function () { saveSetting('sidebar', this.value); applySidebarMode(); fire('settings.apply', { source: null }); });
  $('setting-previews').addEventListener('change', function () { saveSetting('unread-previews', this.checked); refreshPreviews(); fire('settings.apply', { source: null }); });
  var settings = loadSettings();
  $('setting-previews').checked = settings['unread-previews'] === true;
  if (settings['sidebar-visible'] === false) document.body.classList.add('sidebar-hidden');
  applySidebarMode();
  $('setting-theme').addEventListener('change', function () { saveSetting('theme', this.value); applyTheme(); });
  /* idle users fade: repaint now and then */
  setInterval(renderUsers, 30000);
  setStatus('connecting', 'connecting');
}
