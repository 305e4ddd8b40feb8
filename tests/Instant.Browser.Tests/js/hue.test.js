'use strict';
/* Nick colours must match the original client so people keep their colour. The expected
 * hues were computed by running the original client's hash function in node (outside this
 * repository) over the same nicks. */
const test = require('node:test');
const assert = require('node:assert/strict');
const F = require('../../../src/Instant.Web/wwwroot/static/instant-format.js');

const ORIGINAL_HUES = {
  'alice': 251, 'Bob': 197, 'bob(x)': 251, 'ümlaut': 80, '日本語': 272, 'a b': 80,
  'Émile': 99, 'Ørjan': 296, 'Dvořák': 233, 'Ελένη': 144, 'Владимир': 208, 'محمد': 208,
  '😀smile': 315, 'Zoë': 144, 'CylonicRaider': 307, 'Scribe': 127, 'xyzzy': 197, '': 0,
  ':)': 80, '名無しさん': 88
};

test('hues equal the original client for ASCII and non-ASCII nicks', () => {
  for (const [nick, hue] of Object.entries(ORIGINAL_HUES)) {
    assert.equal(F.hue(nick), hue, nick);
  }
});

test('hue ignores case and whitespace', () => {
  assert.equal(F.hue('A L I C E'), F.hue('alice'));
  assert.equal(F.hue('\tBob\n'), F.hue('bob'));
});

test('non-ASCII cubes exceed 2^53 and still match (double arithmetic)', () => {
  // one step for U+65E5: (26085*359 + 89)^3 is far above 2^53
  const h = 26085 * 359 + 89;
  assert.ok(h * h * h > Number.MAX_SAFE_INTEGER);
  assert.equal(F.rawHue('日'), (h * h * h) % 360);
});

test('colour strings use the documented lightness per role', () => {
  assert.equal(F.nickColor('alice'), 'hsl(251, 75%, 80%)');
  assert.equal(F.mentionColor('alice'), 'hsl(251, 75%, 40%)');
  assert.equal(F.emoteColor('alice'), 'hsl(251, 75%, 90%)');
});

test('mention colours keep the hue and reach 4.5:1 on the darkest light and lightest dark backgrounds', () => {
  // the backgrounds a mention meets: light theme down to a blue /me bar, dark theme up to
  // the ping background (#3a3418) and the new-message wash over the pane
  const blueEmote = F.hslToRgb(240, 75, 90);
  const lightBackgrounds = [[255, 255, 255], [255, 246, 194], [237, 237, 237], blueEmote];
  const darkBackgrounds = [[32, 34, 37], [58, 52, 24], [50, 51, 54]];
  let darkened = 0;
  for (let h = 0; h < 360; h++) {
    const light = /^hsl\((\d+), 75%, (\d+)%\)$/.exec(F.mentionColorOfHue(h));
    const dark = /^hsl\((\d+), 75%, (\d+)%\)$/.exec(F.mentionColorDarkOfHue(h));
    assert.equal(Number(light[1]), h);
    assert.equal(Number(dark[1]), h);
    assert.ok(Number(light[2]) <= 40);
    if (Number(light[2]) < 40) darkened++;
    for (const bg of lightBackgrounds) assert.ok(F.contrast(F.hslToRgb(h, 75, Number(light[2])), bg) >= 4.5, `light ${h} on ${bg}`);
    for (const bg of darkBackgrounds) assert.ok(F.contrast(F.hslToRgb(h, 75, Number(dark[2])), bg) >= 4.5, `dark ${h} on ${bg}`);
    for (const bg of darkBackgrounds) assert.ok(F.contrast([226, 226, 228], bg) >= 4.5);
    assert.ok(F.luminance(F.hslToRgb(h, 35, 15)) <= 0.035, `dark /me bar ${h}`);
  }
  // the original's 40 % stays wherever it is readable
  assert.ok(darkened > 0 && darkened < 360);
  assert.equal(F.mentionColor('alice'), 'hsl(251, 75%, 40%)');
});
