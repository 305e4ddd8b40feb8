/* Instant.Actors browser client: formatting, parse trees from instant-format.js (the pure
 * rules, also run under node) turned into DOM. User text only ever reaches the DOM through
 * createTextNode/textContent. */

import { el, roomName } from './core.js';

export var F = window.InstantFormat;

var SAFE_ATTRS = { href: true, target: true, rel: true, 'data-nick': true, title: true };

/** Turns a parse tree from InstantFormat into DOM nodes. */
export function render(tree) {
  if (typeof tree === 'string') return document.createTextNode(tree);
  var node = document.createElement(tree.tag);
  if (tree.cls) node.className = tree.cls;
  if (tree.attrs) {
    Object.keys(tree.attrs).forEach(function (k) { if (SAFE_ATTRS[k]) node.setAttribute(k, tree.attrs[k]); });
  }
  /* only the formatter's own colour variables; the stylesheet picks one per theme */
  if (tree.style) {
    Object.keys(tree.style).forEach(function (k) { if (/^--[a-z-]+$/.test(k)) node.style.setProperty(k, tree.style[k]); });
  }
  tree.children.forEach(function (child) { node.appendChild(render(child)); });
  return node;
}

/** Renders a message's text into its content cell: the /me and /data markers stay visible. */
export function fillContent(content, msg) {
  var emote = F.isEmote(msg.text);
  var data = F.isData(msg.text);
  var body = emote ? msg.text.substring(3) : data ? msg.text.substring(5) : msg.text;
  if (data) {
    /* the payload shows only under a visible reply: the marker dimmed, the outer whitespace hidden */
    content.appendChild(el('span', 'sigil data-marker', '/data'));
    var edges = /^(\s*)([\s\S]*?)(\s*)$/.exec(body);
    if (edges[1]) content.appendChild(el('span', 'hidden-space', edges[1]));
    content.appendChild(render(F.parse(edges[2], { room: roomName })));
    if (edges[3]) content.appendChild(el('span', 'hidden-space', edges[3]));
  }
  if (emote) {
    content.appendChild(el('span', 'sigil emote-marker', '/me'));
    content.style.setProperty('--emote-light', F.emoteColor(msg.nick));
    content.style.setProperty('--emote-dark', F.emoteColorDark(msg.nick));
  } else {
    content.style.removeProperty('--emote-light');
    content.style.removeProperty('--emote-dark');
  }
  if (!data) content.appendChild(render(F.parse(body, { room: roomName })));
}
