/* Instant.Actors browser client: popups stacked at the top of the page. */

import { $, el } from './core.js';

export function popup(cls, title) {
  var box = el('section', 'popup ' + cls);
  var head = el('div', 'popup-head');
  head.appendChild(el('span', 'popup-title', title));
  var close = el('button', 'popup-close', '\u00d7');
  close.type = 'button';
  close.title = 'Close';
  close.addEventListener('click', function () { box.remove(); });
  head.appendChild(close);
  box.appendChild(head);
  $('popups').appendChild(box);
  return box;
}
