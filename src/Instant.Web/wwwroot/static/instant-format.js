/* Instant.Actors browser client: the pure parts (nick colours, mentions, message markup).
 *
 * Nothing here touches the DOM: parse() returns a small tree of plain objects
 * ({tag, cls, attrs, style, children} or strings) that the page turns into elements
 * with createElement/createTextNode only. That keeps user text from ever becoming markup
 * and lets node's test runner check the rules directly.
 * Loaded as a classic script in the page (window.InstantFormat) and with require() in node. */
(function (root, factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.InstantFormat = api;
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  /* ---- Nicks ---------------------------------------------------------------------- */

  /** A nick as compared and coloured: whitespace gone, lower case. */
  function normalizeNick(nick) {
    return String(nick).replace(/\s+/g, '').toLowerCase();
  }

  /** The original client's hue hash over an already normalised string. The arithmetic
   *  must stay in IEEE doubles (JavaScript numbers): for non-ASCII code units the cube
   *  passes 2^53 and rounds, and people expect to keep the colour they had. */
  function rawHue(text) {
    var h = 0;
    for (var index = 0; index < text.length; index++) {
      h = h + (text.charCodeAt(index) * 359 + index * 271 + 89);
      h = (h * h * h) % 360;
    }
    return h;
  }

  var hueCache = new Map();

  /** Hue (0..359) of a nick; equal for nicks that differ only in case or whitespace. */
  function hue(nick) {
    var key = normalizeNick(nick);
    var cached = hueCache.get(key);
    if (cached === undefined) {
      cached = rawHue(key);
      if (hueCache.size > 5000) hueCache.clear();
      hueCache.set(key, cached);
    }
    return cached;
  }

  /* ---- Readable colours (WCAG AA: text at least 4.5:1 against its background) ------- */

  /** [r, g, b] (0..255) of hsl(h, s%, l%), as a browser computes it. */
  function hslToRgb(h, s, l) {
    s /= 100; l /= 100;
    function channel(n) {
      var k = (n + h / 30) % 12;
      var a = s * Math.min(l, 1 - l);
      return Math.round((l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))) * 255);
    }
    return [channel(0), channel(8), channel(4)];
  }

  /** WCAG relative luminance of an [r, g, b] colour. */
  function luminance(rgb) {
    var lin = rgb.map(function (c) { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); });
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  }

  function contrast(a, b) {
    var x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }

  /* The darkest background a mention meets in the light theme is a blue /me bar
   * (hsl(240, 75%, 90%), luminance 0.666); the lightest in the dark theme is the ping or
   * new-message background (luminance 0.035 or less; see instant.css). Text at most (at
   * least) these luminances reaches 4.5:1 on every background of its theme. */
  var LIGHT_THEME_TEXT_MAX = (0.666 + 0.05) / 4.5 - 0.05;
  var DARK_THEME_TEXT_MIN = 4.5 * (0.035 + 0.05) - 0.05;

  /** Lightness from `start` in steps of `step` until the colour's luminance passes `ok`. */
  function readableLightness(h, s, start, step, ok) {
    var l = start;
    while (l > 0 && l < 100 && !ok(luminance(hslToRgb(h, s, l)))) l += step;
    return l;
  }

  var readableCache = new Map();
  function cachedColor(kind, h, make) {
    var key = kind + h;
    var cached = readableCache.get(key);
    if (cached === undefined) {
      cached = make();
      if (readableCache.size > 5000) readableCache.clear();
      readableCache.set(key, cached);
    }
    return cached;
  }

  function hslText(h, s, l) { return 'hsl(' + h + ', ' + s + '%, ' + l + '%)'; }

  function nickColor(nick) { return hslText(hue(nick), 75, 80); }

  /** The original's mention colour, hsl(h, 75%, 40%), darkened where that hue is too light
   *  to read on the light theme's backgrounds. */
  function mentionColor(nick) { return mentionColorOfHue(hue(nick)); }

  function mentionColorOfHue(h) {
    return cachedColor('ml', h, function () {
      return hslText(h, 75, readableLightness(h, 75, 40, -1, function (y) { return y <= LIGHT_THEME_TEXT_MAX; }));
    });
  }

  /** The mention colour for the dark theme: from hsl(h, 75%, 60%), lightened until readable. */
  function mentionColorDark(nick) { return mentionColorDarkOfHue(hue(nick)); }

  function mentionColorDarkOfHue(h) {
    return cachedColor('md', h, function () {
      return hslText(h, 75, readableLightness(h, 75, 60, 1, function (y) { return y >= DARK_THEME_TEXT_MIN; }));
    });
  }

  /** The /me bar: the original's pastel for black text in the light theme ... */
  function emoteColor(nick) { return hslText(hue(nick), 75, 90); }

  /** ... and a dark tint of the same hue (luminance under 0.035 for every hue) for light text. */
  function emoteColorDark(nick) { return hslText(hue(nick), 35, 15); }

  /* A mention: '@', then non-space characters with at most single-level balanced
   * parentheses, not ending in sentence punctuation. */
  var MENTION_BODY = '(?:[^()\\s]*(?:\\([^()\\s]*\\)[^()\\s]*)*(?:\\([^()\\s]*\\)|[^.,:;!?()\\s]))';

  /** The text of an @-mention that would ping the given nick ("Insert ping"). */
  function mentionText(nick) {
    var cleaned = String(nick).replace(/\s+/g, '').replace(/[.,:;!?]+$/, '');
    var out = '';
    var open = false;
    for (var i = 0; i < cleaned.length; i++) {
      var c = cleaned.charAt(i);
      if (c === '(') {
        if (open) continue;
        /* keep an opening parenthesis only if a closing one follows */
        if (cleaned.indexOf(')', i + 1) < 0) continue;
        open = true;
      } else if (c === ')') {
        if (!open) continue;
        open = false;
      }
      out += c;
    }
    return '@' + out;
  }

  function isWordChar(c) { return c !== undefined && c !== '' && /\w/.test(c); }

  /** Every nick mentioned in a text, normalised (used to decide whether a message pings). */
  function mentionedNicks(text) {
    var re = new RegExp('@' + MENTION_BODY, 'g');
    var found = [];
    var m;
    text = String(text);
    while ((m = re.exec(text)) !== null) {
      var before = text.charAt(m.index - 1);
      var after = text.charAt(m.index + m[0].length);
      if (!isWordChar(before) && !isWordChar(after)) found.push(normalizeNick(m[0].substring(1)));
      if (m[0].length === 0) re.lastIndex++;
    }
    return found;
  }

  /** Whether the text mentions the nick (an empty or null nick is never pinged). */
  function mentions(text, nick) {
    if (nick == null) return false;
    var own = normalizeNick(nick);
    if (!own) return false;
    return mentionedNicks(text).indexOf(own) >= 0;
  }

  /** A post whose text starts with "/me" followed by a space or the end. */
  function isEmote(text) { return /^\/me(?:\s|$)/.test(String(text)); }

  /** A machine payload ("/data ..."): hidden unless a visible reply needs it shown. */
  function isData(text) { return /^\/data(?:\s|$)/.test(String(text)); }

  /* ---- Links ---------------------------------------------------------------------- */

  /* Schemes that would run code or smuggle documents: never made into links. */
  var REFUSED_SCHEME = /^\s*(?:javascript|vbscript|data|file):/i;
  var URL_WITH_AUTHORITY = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(?:[a-z0-9%._~-]+@)?(?:[a-z0-9.-]+|\[[a-z0-9.:-]+\])(?::[0-9]+)?(?:\/[^>\s]*)?$/i;
  var URL_OPAQUE = /^([a-z][a-z0-9+.-]*):[^\/>\s][^>\s]*$/i;

  /** The href for the text between '<' and '>', or null when it is no plausible link. */
  function linkTarget(inner) {
    if (!inner || /[\s<>"]/.test(inner)) return null;
    if (REFUSED_SCHEME.test(inner)) return null;
    /* "<sarcasm>" and "<.>" are no links: need a letter or digit and something else */
    if (!/[a-z0-9]/i.test(inner) || !/[^a-z0-9]/i.test(inner)) return null;
    var m = URL_WITH_AUTHORITY.exec(inner);
    if (m) return m[1] ? inner : 'http://' + inner;
    m = URL_OPAQUE.exec(inner);
    if (m) return inner;
    return null;
  }

  /* ---- Message parsing ------------------------------------------------------------ */

  function sigil(text, kind) {
    return { tag: 'span', cls: 'sigil' + (kind ? ' ' + kind : ''), children: [text] };
  }

  function isLineStart(text, index) { return index === 0 || text.charAt(index - 1) === '\n'; }
  function isLineEnd(text, index) { return index >= text.length || text.charAt(index) === '\n'; }

  /* Matchers, in priority order (earlier wins a tie). Each find(text, from) returns the
   * first acceptable match at or after `from`: {index, end, tokens}. Tokens are
   * strings, element objects, {open: style}, {close: style}, {line: style} or {eol: true}. */
  function regexFinder(source, flags, accept) {
    var re = new RegExp(source, 'g' + (flags || ''));
    return function (text, from, ctx) {
      re.lastIndex = from;
      var m;
      while ((m = re.exec(text)) !== null) {
        var tokens = accept(m, text, ctx);
        if (tokens) return { index: m.index, end: m.index + m[0].length, tokens: tokens };
        re.lastIndex = m.index + 1;
      }
      return null;
    };
  }

  /* Smileys by kind; each kind has a hue, shown at the readable mention lightness. */
  var SMILEYS = {
    plus: { hue: 120, faces: ['+1'] },
    minus: { hue: 0, faces: ['-1'] },
    heart: { hue: 300, faces: ['<3', '</3'] },
    fish: { hue: 215, faces: ['<><', '><>'] },
    evil: { hue: 0, faces: ['>:)', '>:D', '>:(', ']:)', '>;)'] },
    dead: { hue: 180, faces: ['x_x', 'X_X', 'x.x'] },
    face: { hue: 40, faces: [':)', ':-)', ':(', ':-(', ':D', ':-D', ';)', ';-)', ';D', ':P', ':-P', ':p', ':-p',
      ':O', ':o', ':/', ':|', ':\'(', ':3', '^^', '^_^', '-_-', 'o_O', 'O_o', 'o/', '\\o', '\\o/', '>.<', '>_<', 'xD', 'XD'] }
  };
  var SMILEY_KIND = {};
  Object.keys(SMILEYS).forEach(function (kind) { SMILEYS[kind].faces.forEach(function (f) { SMILEY_KIND[f] = kind; }); });
  /* longest first, so ">:)" wins over ":)" and "\o/" over "\o" */
  var SMILEY_SOURCE = Object.keys(SMILEY_KIND).sort(function (a, b) { return b.length - a.length; })
    .map(function (f) { return f.replace(/[.*+?^${}()|[\]\\\/]/g, '\\$&'); }).join('|');

  var MATCHERS = [
    { /* &room and &room#message links */
      name: 'room',
      find: regexFinder('&([a-zA-Z](?:[\\w-]*[a-zA-Z0-9])?)(?:#([a-zA-Z0-9]+))?(?![\\w-])', '',
        function (m, text, ctx) {
          if (isWordChar(text.charAt(m.index - 1))) return null;
          var href = '../' + m[1] + '/' + (m[2] ? '#message-' + m[2] : '');
          var attrs = { href: href };
          if (m[1] !== ctx.room || !m[2]) { attrs.target = '_blank'; attrs.rel = 'noopener'; }
          return [{ tag: 'a', cls: 'room-link', attrs: attrs, children: [m[0]] }];
        })
    },
    { /* <url>, and <!url>: an embed request, shown as a plain link while no embedder is
       * registered (the page registers none of its own); the same schemes are refused */
      name: 'link',
      find: regexFinder('<(!?)([^<>\\s]+)>', '', function (m) {
        var href = linkTarget(m[2]);
        if (!href) return null;
        return [{ tag: 'a', cls: m[1] ? 'link embed-link' : 'link', attrs: { href: href, target: '_blank', rel: 'noopener noreferrer' },
          children: [sigil('<' + m[1]), m[2], sigil('>')] }];
      })
    },
    { /* @mention, in the mentioned nick's colour */
      name: 'mention',
      find: regexFinder('(?<!\\w)@' + MENTION_BODY, '', function (m, text) {
        if (isWordChar(text.charAt(m.index - 1))) return null;
        if (isWordChar(text.charAt(m.index + m[0].length))) return null;
        var nick = m[0].substring(1);
        return [{ tag: 'span', cls: 'mention', attrs: { 'data-nick': nick },
          style: { '--text-light': mentionColor(nick), '--text-dark': mentionColorDark(nick) }, children: [m[0]] }];
      })
    },
    { /* smileys: after whitespace or "(", before whitespace, ")" or sentence punctuation (not
       * one inside a word or number: "-1.5" stays text), shown bold in a colour per kind */
      name: 'smiley',
      find: regexFinder('(?<![^\\s(])(?:' + SMILEY_SOURCE + ')(?=[\\s)]|[.,:;!?](?!\\w)|$)', '', function (m) {
        var kind = SMILEY_KIND[m[0]];
        var h = SMILEYS[kind].hue;
        return [{ tag: 'span', cls: 'smiley smiley-' + kind,
          style: { '--text-light': mentionColorOfHue(h), '--text-dark': mentionColorDarkOfHue(h) }, children: [m[0]] }];
      })
    },
    { /* `inline monospace`: the opening backtick has no word character before it, the
       * closing one none after it; the content is taken literally. */
      name: 'mono',
      find: regexFinder('`([^`\\n]+)`', '', function (m, text) {
        if (isWordChar(text.charAt(m.index - 1))) return null;
        if (isWordChar(text.charAt(m.index + m[0].length))) return null;
        if (text.charAt(m.index - 1) === '`' || text.charAt(m.index + m[0].length) === '`') return null;
        return [{ tag: 'code', cls: 'mono', children: [sigil('`'), m[1], sigil('`')] }];
      })
    },
    { /* *emphasis*, **more**, and the one-sided *start ... end* forms */
      name: 'emph',
      find: regexFinder('(?<!\\w)(?:(\\*+)([^*\\s-]+)(\\*+)?|([^*\\s-]+)(\\*+))', '', function (m, text) {
        if (isWordChar(text.charAt(m.index - 1))) return null;
        if (isWordChar(text.charAt(m.index + m[0].length))) return null;
        var tokens = [];
        var opens = m[1] ? m[1].length : 0;
        var closes = m[3] ? m[3].length : (m[5] ? m[5].length : 0);
        if (!m[1] && /\W+\*\w/.test(m[4] + m[5])) return null;
        for (var i = 0; i < opens; i++) tokens.push({ open: 'emph' });
        tokens.push(m[2] !== undefined ? m[2] : m[4]);
        for (var j = 0; j < closes; j++) tokens.push({ close: 'emph' });
        return tokens;
      })
    },
    { /* ``` blocks: from a fence at the start or end of a line to the next such fence */
      name: 'block',
      find: function (text, from) {
        var at = from;
        for (;;) {
          var open = text.indexOf('```', at);
          if (open < 0) return null;
          var openOk = (isLineStart(text, open) || isLineEnd(text, open + 3)) &&
            text.charAt(open - 1) !== '`' && text.charAt(open + 3) !== '`';
          if (openOk) {
            var close = text.indexOf('```', open + 3);
            while (close >= 0 && !(isLineStart(text, close) || isLineEnd(text, close + 3))) {
              close = text.indexOf('```', close + 1);
            }
            if (close < 0) return null;
            var body = text.substring(open + 3, close);
            return { index: open, end: close + 3, tokens: [{ tag: 'code', cls: 'mono-block',
              children: [sigil('```'), body, sigil('```')] }] };
          }
          at = open + 1;
        }
      }
    },
    { /* "# heading" lines: emphasis level +2 */
      name: 'heading',
      find: regexFinder('^#+[^\\S\\n]+', 'm', function (m) {
        return [sigil(m[0], 'line-marker'), { line: 'heading' }];
      })
    },
    { /* "> quote" lines: emphasis level +1 */
      name: 'quote',
      find: regexFinder('^>+[^\\S\\n]+', 'm', function (m) {
        return [sigil(m[0], 'line-marker'), { line: 'quote' }];
      })
    },
    { /* "$ command" lines: monospace */
      name: 'term',
      find: regexFinder('^\\$[^\\S\\n]+', 'm', function (m) {
        return [sigil(m[0], 'line-marker'), { line: 'term' }];
      })
    },
    { /* line ends close line styles and cancel unfinished inline emphasis */
      name: 'eol',
      find: regexFinder('\\n', '', function () { return ['\n', { eol: true }]; })
    }
  ];

  /** Splits the text into tokens, earliest match first, ties to the earlier matcher. */
  function tokenize(text, ctx) {
    var tokens = [];
    var cached = MATCHERS.map(function () { return undefined; });
    var pos = 0;
    while (pos < text.length) {
      var best = null;
      for (var i = 0; i < MATCHERS.length; i++) {
        var hit = cached[i];
        if (hit === undefined || (hit !== null && hit.index < pos)) {
          hit = MATCHERS[i].find(text, pos, ctx);
          cached[i] = hit;
        }
        if (hit && (best === null || hit.index < best.index)) best = hit;
      }
      if (best === null) break;
      if (best.index > pos) tokens.push(text.substring(pos, best.index));
      Array.prototype.push.apply(tokens, best.tokens);
      pos = best.end;
    }
    if (pos < text.length) tokens.push(text.substring(pos));
    return tokens;
  }

  var LINE_LEVEL = { heading: 2, quote: 1, term: 0 };

  function emphStyle(level) {
    var classes = ['emph'];
    if (level & 1) classes.push('emph-italic');
    if (level & 2) classes.push('emph-bold');
    if (level & 4) classes.push('emph-caps');
    if (level & 8) classes.push('emph-spaced');
    return classes.join(' ');
  }

  /** Pairs emphasis markers. Opens and closes are matched innermost first within a line;
   *  anything unmatched at a line end or the end stays visible as a plain asterisk. */
  function pairMarkers(tokens) {
    var stack = [];
    tokens.forEach(function (token, index) {
      if (token === null || typeof token !== 'object') return;
      if (token.open) {
        stack.push(index);
      } else if (token.close) {
        if (stack.length) { tokens[stack.pop()].matched = true; token.matched = true; }
      } else if (token.eol) {
        stack.length = 0;
      }
    });
  }

  /** Builds the element tree from tokens. */
  function build(tokens) {
    var rootNode = { tag: 'span', cls: 'message-text', children: [] };
    var stack = [{ node: rootNode, level: 0 }];
    function top() { return stack[stack.length - 1]; }
    function push(node, level) { top().node.children.push(node); stack.push({ node: node, level: level }); }
    function closeLine() {
      while (stack.length > 1 && !stack[stack.length - 1].line) stack.pop();
      if (stack.length > 1) stack.pop();
    }
    tokens.forEach(function (token) {
      if (typeof token === 'string') { appendText(top().node, token); return; }
      if (token.open) {
        if (!token.matched) { top().node.children.push(sigil('*', 'unpaired')); return; }
        var level = top().level + 1;
        var emph = { tag: 'span', cls: emphStyle(level), children: [sigil('*')] };
        push(emph, level);
        return;
      }
      if (token.close) {
        if (!token.matched) { top().node.children.push(sigil('*', 'unpaired')); return; }
        top().node.children.push(sigil('*'));
        stack.pop();
        return;
      }
      if (token.line) {
        var lineLevel = top().level + LINE_LEVEL[token.line];
        var cls = token.line + '-line' + (token.line === 'term' ? ' mono' : ' ' + emphStyle(lineLevel));
        var node = { tag: 'span', cls: cls, children: [] };
        push(node, lineLevel);
        top().line = true;
        return;
      }
      if (token.eol) {
        /* the newline itself was already appended inside the line; close the line now */
        if (stack.some(function (s) { return s.line; })) closeLine();
        return;
      }
      top().node.children.push(token);
    });
    return rootNode;
  }

  function appendText(node, text) {
    var kids = node.children;
    if (kids.length && typeof kids[kids.length - 1] === 'string') kids[kids.length - 1] += text;
    else kids.push(text);
  }

  /* Longer texts are shown unformatted: some matchers scan a word once per start position,
   * and a multi-megabyte message must not freeze every page in the room. */
  var MAX_FORMATTED_LENGTH = 10000;

  /** The element tree for a message text. ctx.room is the current room's name (links
   *  to its own messages open in place). */
  function parse(text, ctx) {
    text = String(text);
    if (text.length > MAX_FORMATTED_LENGTH) return { tag: 'span', cls: 'message-text unformatted', children: [text] };
    var tokens = tokenize(text, ctx || {});
    pairMarkers(tokens);
    return build(tokens);
  }

  /** The plain text of an element tree (for tests and notifications). */
  function textOf(node) {
    if (typeof node === 'string') return node;
    return node.children.map(textOf).join('');
  }

  /* ---- Small helpers shared by the page and the tests --------------------------- */

  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  /** "HH:MM" in local time, or "N/A" without a usable timestamp. */
  function shortTime(timestamp) {
    if (typeof timestamp !== 'number' || !isFinite(timestamp)) return 'N/A';
    var d = new Date(timestamp);
    return pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  /** "YYYY-Mon-DD HH:MM:SS" in local time with English month names. */
  function fullTime(timestamp) {
    if (typeof timestamp !== 'number' || !isFinite(timestamp)) return 'N/A';
    var d = new Date(timestamp);
    return d.getFullYear() + '-' + MONTHS[d.getMonth()] + '-' + pad(d.getDate()) + ' ' +
      pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  /** Longest common prefix of a list of strings. */
  function commonPrefix(words) {
    if (!words.length) return '';
    var prefix = words[0];
    words.forEach(function (w) {
      var i = 0;
      while (i < prefix.length && i < w.length && prefix.charAt(i) === w.charAt(i)) i++;
      prefix = prefix.substring(0, i);
    });
    return prefix;
  }

  /** Tab completion: what to insert after `prefix` given the nicks present (whitespace
   *  removed, case-sensitive prefix match), or '' when nothing fits. */
  function completeNick(prefix, nicks) {
    var seen = {};
    var matches = [];
    nicks.forEach(function (n) {
      var bare = String(n).replace(/\s+/g, '');
      if (bare && bare.indexOf(prefix) === 0 && !seen[bare]) { seen[bare] = true; matches.push(bare); }
    });
    if (!matches.length) return '';
    return commonPrefix(matches).substring(prefix.length);
  }

  /** Reconnect delay after `attempt` failures in a row: exponential from 1 s to 15 s,
   *  with +-50 % jitter so a restarted server is not hit by every page at once. */
  function reconnectDelay(attempt, random) {
    var base = Math.min(15000, 1000 * Math.pow(2, Math.max(0, attempt)));
    var r = typeof random === 'number' ? random : Math.random();
    return Math.round(base * (0.5 + r));
  }

  return {
    normalizeNick: normalizeNick, rawHue: rawHue, hue: hue,
    nickColor: nickColor, mentionColor: mentionColor, mentionColorDark: mentionColorDark,
    emoteColor: emoteColor, emoteColorDark: emoteColorDark,
    mentionColorOfHue: mentionColorOfHue, mentionColorDarkOfHue: mentionColorDarkOfHue,
    hslToRgb: hslToRgb, luminance: luminance, contrast: contrast,
    mentionText: mentionText, mentionedNicks: mentionedNicks, mentions: mentions, isEmote: isEmote, isData: isData,
    linkTarget: linkTarget, parse: parse, textOf: textOf, MAX_FORMATTED_LENGTH: MAX_FORMATTED_LENGTH,
    shortTime: shortTime, fullTime: fullTime, completeNick: completeNick, commonPrefix: commonPrefix,
    reconnectDelay: reconnectDelay
  };
});
