/* Instant.Actors browser client: URL fragments: #message-<id> goes to that message, loading
 * older history until it arrives; #user-<id> opens that user's menu once they are listed. */

import { state } from './core.js';
import { requestOlder } from './history.js';
import { moveBarInto } from './input.js';
import { openUserMenuOf } from './sidebar.js';
import { messageNode } from './tree.js';

/* ---- Fragments --------------------------------------------------------------------- */

var pendingFragment = null;
export function goToFragment() {
  var user = /^#user-(\w+)$/.exec(location.hash);
  if (user) { pendingFragment = openUserMenuOf(user[1]) ? null : user[1]; return; }
  var m = /^#message-(\w+)$/.exec(location.hash);
  if (!m) { pendingFragment = null; return; }
  var node = messageNode(m[1]);
  if (!node || node.classList.contains('placeholder')) {
    pendingFragment = m[1];
    if (state.messages.size) requestOlder();
    return;
  }
  pendingFragment = null;
  document.querySelectorAll('.message.highlight').forEach(function (n) { n.classList.remove('highlight'); });
  node.classList.add('highlight');
  moveBarInto(node);
  node.scrollIntoView({ block: 'center' });
}

/** On load: a fragment in the URL waits for its message, which may come with history. */
export function awaitFragment() { if (location.hash) pendingFragment = location.hash; }

/** After a batch of history: the message a fragment waits for may have arrived. */
export function goToPendingFragment() { if (pendingFragment) goToFragment(); }

/** After a user list change: the user a #user-ID fragment waits for may have come. */
export function goToPendingUser() { if (pendingFragment && /^#user-/.test(location.hash)) goToFragment(); }

export function initFragments() {
  window.addEventListener('hashchange', goToFragment);
  awaitFragment();
}
