/* Instant.Actors browser client: popups stacked at the top of the page, under a menu bar
 * (the logo linking to the front page, a place for feature menus, "Hide all" and "Close
 * all"). Each popup can be collapsed to its title or closed. Hidden popups leave "Hidden
 * popups (N)" in the sidebar; the sidebar's logo opens the popup screen even when empty. */

import { $, el, fire } from './core.js';

var openedByHand = false;
var lastHidden = null;

/** Makes a popup and puts it at the bottom of the stack. */
export function popup(cls, title) {
  var box = el('section', 'popup ' + cls);
  var head = el('div', 'popup-head');
  var collapse = el('button', 'popup-collapse', '\u25be');
  collapse.type = 'button';
  collapse.title = 'Collapse or expand';
  collapse.addEventListener('click', function () { collapsePopup(box); });
  head.appendChild(collapse);
  head.appendChild(el('span', 'popup-title', title));
  var close = el('button', 'popup-close', '\u00d7');
  close.type = 'button';
  close.title = 'Close';
  close.addEventListener('click', function () { removePopup(box); });
  head.appendChild(close);
  box.appendChild(head);
  $('popups').appendChild(box);
  fire('popups.add', { popup: box });
  return box;
}

export function removePopup(box) {
  box.remove();
  fire('popups.del', { popup: box });
}

export function collapsePopup(box) {
  box.classList.toggle('collapsed');
  fire('popups.collapse', { popup: box });
}

/** The popups a person can see: not drafts put away ("Finish later"). */
function shownPopups() { return $('popups').querySelectorAll(':scope > .popup:not([hidden])'); }

/** Adds a menu (a button or a small group) to the menu bar, before "Hide all". */
export function addMenuItem(node) {
  $('popup-menu-items').appendChild(node);
}

/** Hides or shows every popup at once; hidden ones leave a counter in the sidebar. */
export function hideAll(hidden) {
  $('popup-screen').classList.toggle('all-hidden', hidden);
  if (hidden) openedByHand = false;
  paint();
}

export function closeAll() {
  Array.prototype.slice.call($('popups').children).forEach(function (box) { box.remove(); });
  openedByHand = false;
  fire('popups.clear');
  paint();
}

/** Opens or closes the popup screen by hand (the sidebar's logo). */
export function togglePopupScreen() {
  var screen = $('popup-screen');
  if (screen.classList.contains('all-hidden')) { hideAll(false); openedByHand = true; }
  else openedByHand = !isScreenShown();
  paint();
}

function isScreenShown() { return !$('popup-screen').hidden; }

function paint() {
  var screen = $('popup-screen');
  var n = shownPopups().length;
  var hidden = screen.classList.contains('all-hidden') && n > 0;
  screen.hidden = hidden || (n === 0 && !openedByHand);
  var counter = $('hidden-popups');
  counter.hidden = !hidden;
  counter.textContent = 'Hidden popups (' + n + ')';
  if (lastHidden !== hidden) {
    if (lastHidden !== null) fire('popups.hidden', { hidden: hidden });
    lastHidden = hidden;
  }
}

export function initPopups() {
  $('popups-hide-all').addEventListener('click', function () { hideAll(true); });
  $('popups-close-all').addEventListener('click', closeAll);
  $('hidden-popups').addEventListener('click', function () { hideAll(false); });
  $('sidebar-logo').addEventListener('click', togglePopupScreen);
  /* popups come and go from several features (and plugins): follow the stack itself */
  new MutationObserver(paint).observe($('popups'), { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden'] });
  paint();
}
