/* Instant.Actors browser client: the entry module of the room page. Each feature lives in
 * its own module next to this one; this one starts them in order, fires the init.* plugin
 * events and exposes the small window.Instant / window.InstantClient API. */

import { initConnection, send } from './connection.js';
import { $, fire, inputBar, nickBox, roomName, state, textBox } from './core.js';
import { initFragments } from './fragments.js';
import { initHistory } from './history.js';
import { currentParent, focusInput, initInput } from './input.js';
import { initNotifications, LEVELS, notifyLevel, submitNotification } from './notifications.js';
import { initPms } from './pms.js';
import { addMenuItem, closeAll, collapsePopup, hideAll, initPopups, popup, removePopup } from './popups.js';
import { initPreviews } from './previews.js';
import { closeMenus, initSidebar, showSidebar, sidebarMode } from './sidebar.js';
import { initTree } from './tree.js';

function init() {
  fire('init.early');
  /* the settings are read from localStorage on demand; this marks the first reading */
  fire('storage.load');
  document.title = roomName ? '&' + roomName + ' \u2014 Instant' : 'Instant';
  initSidebar();
  initNotifications();
  initInput();
  initTree();
  initHistory();
  initPms();
  initPreviews();
  initPopups();
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && e.target !== textBox && e.target !== nickBox) {
      closeMenus();
      textBox.focus();
      inputBar.scrollIntoView({ block: 'nearest' });
    }
  });
  $('splash-close').addEventListener('click', hideSplash);
  initFragments();
  initConnection();
  hideSplash();
  focusInput();
  fire('init.late');
  /* site.js (the plugins) runs after this module: init.final comes once it has */
  document.addEventListener('DOMContentLoaded', function () { fire('init.final'); });
}

function hideSplash() {
  var splash = $('splash');
  if (splash) splash.classList.add('gone');
}

/* A small window for plugins, the browser tests and the console; never used by the page itself. */
if (window.Instant) {
  window.Instant.roomName = roomName;
  window.Instant.connection = {
    send: send,
    isConnected: function () { return state.connected; }
  };
  window.Instant.input = { node: textBox, nickNode: nickBox };
  window.Instant.notifications = { levels: LEVELS.slice(), submit: submitNotification, getLevel: notifyLevel };
  window.Instant.popups = { add: popup, del: removePopup, collapse: collapsePopup, addMenuItem: addMenuItem, hideAll: hideAll, closeAll: closeAll };
  window.Instant.sidebar = { getMode: sidebarMode, show: showSidebar };
}

window.InstantClient = {
  state: state,
  room: roomName,
  barParent: currentParent
};

init();
