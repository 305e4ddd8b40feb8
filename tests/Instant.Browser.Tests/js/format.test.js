'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const F = require('../../../src/Instant.Web/wwwroot/static/instant-format.js');

/** All element nodes of a parse tree, depth first. */
function elements(node, out = []) {
  if (typeof node === 'string') return out;
  out.push(node);
  node.children.forEach((c) => elements(c, out));
  return out;
}
const parse = (text, room = 'test') => F.parse(text, { room });
const ofClass = (tree, cls) => elements(tree).filter((n) => (n.cls || '').split(' ').includes(cls));

test('text is kept verbatim, markers included', () => {
  for (const text of ['hi *all*', '<script>alert(1)</script>', '**x** `y` <http://a.b/>', '> q\n# h\n$ ls', 'a<b>c&amp;']) {
    assert.equal(F.textOf(parse(text)), text);
  }
});

test('markup in text never becomes elements other than the formatter\'s own', () => {
  const tree = parse('<script>alert(1)</script><img src=x onerror=alert(2)> <b>bold</b>');
  const tags = elements(tree).map((n) => n.tag);
  assert.deepEqual([...new Set(tags)], ['span']);
  assert.equal(ofClass(tree, 'link').length, 0);
});

test('links: <url> with and without scheme; javascript:, data: and plain words refused', () => {
  const [a] = ofClass(parse('see <https://example.org/x?y=1#z> now'), 'link');
  assert.equal(a.attrs.href, 'https://example.org/x?y=1#z');
  assert.equal(a.attrs.target, '_blank');
  assert.equal(ofClass(parse('<example.org/path>'), 'link')[0].attrs.href, 'http://example.org/path');
  assert.equal(ofClass(parse('<mailto:someone@example.org>'), 'link')[0].attrs.href, 'mailto:someone@example.org');
  for (const bad of ['<javascript:alert(1)>', '<JaVaScRiPt:alert(1)>', '<data:text/html,hi>', '<sarcasm>', '<.>', '<vbscript:x>']) {
    assert.equal(ofClass(parse(bad), 'link').length, 0, bad);
  }
});

test('emphasis levels: 1 italic, 2 bold, 3 bold italic; one-sided forms span words', () => {
  const one = ofClass(parse('*x*'), 'emph');
  assert.equal(one.length, 1);
  assert.ok(one[0].cls.includes('emph-italic'));
  const three = ofClass(parse('***x***'), 'emph');
  assert.equal(three.length, 3);
  assert.ok(three[2].cls.includes('emph-italic') && three[2].cls.includes('emph-bold'));
  assert.ok(!ofClass(parse('**x**'), 'emph')[1].cls.includes('emph-italic'));
  const spanning = ofClass(parse('*two words* after'), 'emph');
  assert.equal(spanning.length, 1);
  assert.equal(F.textOf(spanning[0]), '*two words*');
});

test('unpaired and intra-word asterisks stay plain', () => {
  assert.equal(ofClass(parse('a*b*c'), 'emph').length, 0);
  assert.equal(ofClass(parse('*open only'), 'emph').length, 0);
  assert.equal(ofClass(parse('*open only'), 'unpaired').length, 1);
  assert.equal(ofClass(parse('*line one\nline two*'), 'emph').length, 0);
});

test('mentions take the mentioned nick\'s colour and respect word boundaries', () => {
  const [m] = ofClass(parse('hi @Alice, how?'), 'mention');
  assert.equal(F.textOf(m), '@Alice');
  assert.equal(m.style['--text-light'], F.mentionColor('alice'));
  assert.equal(m.style['--text-dark'], F.mentionColorDark('alice'));
  assert.equal(ofClass(parse('mail me@example.org'), 'mention').length, 0);
  assert.equal(F.textOf(ofClass(parse('@bob(the builder) ok'), 'mention')[0]), '@bob');
  assert.equal(F.textOf(ofClass(parse('@bob(x) ok'), 'mention')[0]), '@bob(x)');
});

test('mentions decide pings by normalised nick', () => {
  assert.ok(F.mentions('hey @AlIcE!', 'alice'));
  assert.ok(F.mentions('hey @JohnDoe', 'John Doe'));
  assert.ok(!F.mentions('hey @alicex', 'alice'));
  assert.ok(!F.mentions('hey alice', 'alice'));
  assert.ok(!F.mentions('@', ''));
  assert.equal(F.mentionText('John Doe!!'), '@JohnDoe');
  assert.equal(F.mentionText('x(y'), '@xy');
});

test('inline and block monospace take their content literally', () => {
  const [code] = ofClass(parse('run `rm *x*` now'), 'mono');
  assert.equal(F.textOf(code), '`rm *x*`');
  assert.equal(ofClass(code, 'emph').length, 0);
  assert.equal(ofClass(parse('a`b`c'), 'mono').length, 0);
  const [block] = ofClass(parse('look:\n```\nfn *main*() {}\n```\nend'), 'mono-block');
  assert.equal(F.textOf(block), '```\nfn *main*() {}\n```');
  assert.equal(ofClass(block, 'emph').length, 0);
});

test('room links: &room opens a new tab, &thisroom#id navigates in place', () => {
  const [other] = ofClass(parse('go to &lobby now'), 'room-link');
  assert.equal(other.attrs.href, '../lobby/');
  assert.equal(other.attrs.target, '_blank');
  const [here] = ofClass(parse('see &test#00ABCDEF'), 'room-link');
  assert.equal(here.attrs.href, '../test/#message-00ABCDEF');
  assert.equal(here.attrs.target, undefined);
  assert.equal(ofClass(parse('a&b'), 'room-link').length, 0);
  assert.equal(ofClass(parse('&-x'), 'room-link').length, 0);
});

test('quote and heading lines raise the emphasis level until the line ends', () => {
  const tree = parse('> quoted\nplain');
  const [quote] = ofClass(tree, 'quote-line');
  assert.ok(quote.cls.includes('emph-italic'));
  assert.ok(!F.textOf(quote).includes('plain'));
  const [heading] = ofClass(parse('# Title'), 'heading-line');
  assert.ok(heading.cls.includes('emph-bold'));
  assert.equal(ofClass(parse('$ ls -l'), 'term-line').length, 1);
});

test('emotes, times and completion helpers', () => {
  assert.ok(F.isEmote('/me waves'));
  assert.ok(F.isEmote('/me'));
  assert.ok(!F.isEmote('/message'));
  assert.equal(F.shortTime(undefined), 'N/A');
  assert.match(F.shortTime(Date.UTC(2024, 0, 2, 3, 4, 5)), /^\d\d:\d\d$/);
  assert.match(F.fullTime(Date.UTC(2024, 0, 2, 3, 4, 5)), /^2024-Jan-0[12] \d\d:04:05$/);
  assert.equal(F.completeNick('al', ['alice', 'alfred', 'bob']), '');
  assert.equal(F.completeNick('ali', ['alice', 'alfred', 'bob']), 'ce');
  assert.equal(F.completeNick('Jo', ['John Doe', 'Joan']), '');
  assert.equal(F.completeNick('Joh', ['John Doe']), 'nDoe');
  assert.equal(F.completeNick('x', ['y']), '');
});

test('reconnect delays back off exponentially with jitter and a cap', () => {
  assert.equal(F.reconnectDelay(0, 0.5), 1000);
  assert.equal(F.reconnectDelay(3, 0.5), 8000);
  assert.equal(F.reconnectDelay(20, 0.5), 15000);
  assert.equal(F.reconnectDelay(0, 0), 500);
  assert.equal(F.reconnectDelay(0, 0.999), 1499);
});

test('very long texts are shown verbatim without formatting', () => {
  const long = 'x'.repeat(F.MAX_FORMATTED_LENGTH) + ' *not emphasised* <http://example.org>';
  const tree = parse(long);
  assert.equal(F.textOf(tree), long);
  assert.equal(elements(tree).length, 1);
  // just under the limit a long word followed by markup is still formatted
  const edge = 'y'.repeat(5000) + ' *yes*';
  assert.equal(ofClass(parse(edge), 'emph').length, 1);
});

test('smileys stand alone between spaces, "(" and sentence punctuation, coloured by kind', () => {
  const kinds = (text) => ofClass(parse(text), 'smiley').map((s) => s.cls.split(' ')[1] + ' ' + F.textOf(s));
  assert.deepEqual(kinds('hi :) there (:D) +1, -1! <3 <>< >:) x_x. ^^ o/ \\o/ >.<'),
    ['smiley-face :)', 'smiley-face :D', 'smiley-plus +1', 'smiley-minus -1', 'smiley-heart <3', 'smiley-fish <><',
      'smiley-evil >:)', 'smiley-dead x_x', 'smiley-face ^^', 'smiley-face o/', 'smiley-face \\o/', 'smiley-face >.<']);
  // not inside words or numbers
  assert.deepEqual(kinds('nope:) :)b version -1.5 a+1 c<3'), []);
  // the text is unchanged, the colour readable in both themes
  const text = 'ok :) and <3';
  assert.equal(F.textOf(parse(text)), text);
  const [heart] = ofClass(parse('<3'), 'smiley');
  assert.equal(heart.style['--text-light'], F.mentionColorOfHue(300));
  assert.equal(heart.style['--text-dark'], F.mentionColorDarkOfHue(300));
  // a link still wins where it starts first; markup around a smiley stays text
  assert.equal(ofClass(parse('<example.org> :P'), 'link').length, 1);
  const tricky = parse('<b>:)</b> <img src=x onerror=alert(1)> :)');
  assert.equal(F.textOf(tricky), '<b>:)</b> <img src=x onerror=alert(1)> :)');
  assert.deepEqual(elements(tricky).map((e) => e.tag).filter((t) => t !== 'span'), []);
});

test('a /data payload is recognised by its prefix alone', () => {
  assert.ok(F.isData('/data {"x": 1}'));
  assert.ok(F.isData('/data'));
  assert.ok(F.isData('/data\n<b>x</b>'));
  assert.ok(!F.isData('/database is down'));
  assert.ok(!F.isData(' /data x'));
});

test('<!url> asks for an embed: with no embedder it is a plain link, and unsafe schemes are no link', () => {
  const [embed] = ofClass(parse('look <!https://example.org/cat.png>'), 'embed-link');
  assert.equal(embed.attrs.href, 'https://example.org/cat.png');
  assert.equal(F.textOf(embed), '<!https://example.org/cat.png>');
  assert.equal(embed.children[0].children[0], '<!');
  for (const bad of ['<!javascript:alert(1)>', '<!data:text/html,<b>x</b>>', '<!JavaScript:alert(1)>', '<!vbscript:x>', '<!file:///etc/passwd>']) {
    assert.equal(elements(parse(bad)).filter((e) => e.tag === 'a').length, 0, bad);
    assert.equal(F.textOf(parse(bad)), bad);
  }
});
