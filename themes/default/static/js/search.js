/* exemplar search: the index the build wrote under search/index/, loaded
   as scripts and only as a query needs them (so it also works from
   file://, in a frozen archive). The tokenizer mirrors the build's
   (src/search/tokenize.rs): NFKC, lower case, words of letters and
   digits, overlapping pairs of CJK characters, a lone CJK character. */
(function () {
  'use strict';
  var app = document.getElementById('search-app');
  var me = document.currentScript;
  if (!app || !me) return;
  var root = new URL('../', me.src); // the site's root: js/search.js is one level down
  var base = new URL('search/index/', root);
  var fileMode = location.protocol === 'file:';
  var S = { meta: null, docs: null, shards: {}, frags: {} };
  var waiting = {};
  function done(path) { var w = waiting[path]; if (w) { w.ok = true; w.resolve(); } }
  window.EXS = {
    m: function (m) { S.meta = m; done('meta.js'); },
    d: function (s) {
      S.docs = s ? s.split(';').map(function (r) { var a = r.split(','); return [+a[0], +a[1], +a[2]]; }) : [];
      done('docs.js');
    },
    s: function (n, t) { S.shards[n] = t; done('s/' + n + '.js'); },
    // A fragment's number is its file name (so a page keeps its bytes when it moves).
    f: function (f) {
      var m = /\/f\/(\d+)\.js$/.exec(document.currentScript ? document.currentScript.src : '');
      if (m) { S.frags[+m[1]] = f; done('f/' + m[1] + '.js'); }
    }
  };
  function load(path) {
    if (waiting[path]) return waiting[path].promise;
    var w = {};
    w.promise = new Promise(function (resolve) {
      w.resolve = resolve;
      var s = document.createElement('script');
      s.src = new URL(path, base).href;
      s.async = true;
      s.onerror = function () { resolve(); };
      s.onload = function () { resolve(); };
      document.head.appendChild(s);
    });
    waiting[path] = w;
    return w.promise;
  }

  // The tokenizer (same rules as the build).
  function isCjk(cp) {
    return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
      (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F);
  }
  var WORD = /[\p{Alphabetic}\p{N}]/u;
  function isWord(ch) { return WORD.test(ch) && !isCjk(ch.codePointAt(0)); }
  function norm(s) { return s.normalize('NFKC').toLowerCase(); }
  function terms(q) {
    var c = Array.from(norm(q)), out = [], i = 0;
    function add(t) { if (out.indexOf(t) < 0) out.push(t); }
    while (i < c.length) {
      var start = i;
      if (isWord(c[i])) {
        while (i < c.length && isWord(c[i])) i++;
        add(c.slice(start, i).join(''));
      } else if (isCjk(c[i].codePointAt(0))) {
        while (i < c.length && isCjk(c[i].codePointAt(0))) i++;
        if (i - start === 1) add(c[start]);
        for (var k = start; k < i - 1; k++) add(c[k] + c[k + 1]);
      } else i++;
    }
    return out;
  }
  function hash(t) {
    var b = new TextEncoder().encode(t), h = 0x811c9dc5;
    for (var i = 0; i < b.length; i++) { h ^= b[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  function postings(data) {
    var bin = atob(data), out = [], i = 0, doc = 0, first = true;
    while (i < bin.length) {
      var n = 0, shift = 0, b;
      do { b = bin.charCodeAt(i++); n += (b & 0x7f) * Math.pow(2, shift); shift += 7; } while (b & 0x80);
      doc = first ? n : doc + n; first = false;
      out.push([doc, bin.charCodeAt(i++)]);
    }
    return out;
  }

  var els = {
    form: document.getElementById('search-form'), q: document.getElementById('q'),
    status: document.getElementById('search-status'), list: document.getElementById('search-results'),
    more: document.getElementById('search-more'), filters: document.getElementById('search-filters'),
    year: document.getElementById('f-year'), kind: document.getElementById('f-kind'), district: document.getElementById('f-district')
  };
  function say(key, vars) {
    var s = app.getAttribute('data-' + key) || '';
    for (var k in vars) s = s.split('{' + k + '}').join(vars[k]);
    return s;
  }
  function esc(s) { return s.replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); }
  function option(sel, value, label) { var o = document.createElement('option'); o.value = value; o.textContent = label; sel.appendChild(o); }
  function href(u) {
    var url = new URL(encodeURI(u), root);
    if (fileMode && /\/$/.test(url.pathname)) url.pathname += 'index.html';
    return url.href;
  }

  // Highlight every needle (normalised) in `text`, char by char.
  function marked(text, needles) {
    var chars = Array.from(text), low = chars.map(function (c) { return norm(c); }), on = new Array(chars.length).fill(false);
    var joined = low.join(''), offs = [], pos = 0;
    low.forEach(function (c) { offs.push(pos); pos += c.length; });
    needles.forEach(function (n) {
      if (!n) return;
      var at = joined.indexOf(n);
      while (at >= 0) {
        for (var k = 0; k < chars.length; k++) if (offs[k] >= at && offs[k] < at + n.length) on[k] = true;
        at = joined.indexOf(n, at + n.length);
      }
    });
    var out = '', open = false;
    chars.forEach(function (c, k) {
      if (on[k] && !open) { out += '<mark>'; open = true; }
      if (!on[k] && open) { out += '</mark>'; open = false; }
      out += esc(c);
    });
    return out + (open ? '</mark>' : '');
  }
  function snippet(text, needles) {
    var low = norm(text), at = -1;
    needles.forEach(function (n) { var p = low.indexOf(n); if (p >= 0 && (at < 0 || p < at)) at = p; });
    var chars = Array.from(text), start = Math.max(0, (at < 0 ? 0 : Array.from(low.slice(0, at)).length) - 24);
    var part = chars.slice(start, start + 110).join('');
    return (start > 0 ? '…' : '') + marked(part, needles) + (start + 110 < chars.length ? '…' : '');
  }

  var state = { results: [], shown: 0, needles: [] };
  function run(q, filters) {
    var parts = norm(q).split(/\s+/).filter(Boolean);
    var ts = terms(q);
    els.list.innerHTML = '';
    els.more.hidden = true;
    if (!ts.length) { els.status.textContent = say('hint'); return Promise.resolve(); }
    els.status.textContent = say('loading');
    var meta = S.meta;
    var paths = ts.map(function (t) { return 's/' + (hash(t) % meta.shards) + '.js'; });
    return Promise.all(paths.map(load)).then(function () {
      var t0 = performance.now(), spent = 0;
      var scores = {}, n = meta.n;
      ts.forEach(function (t) {
        var shard = S.shards[hash(t) % meta.shards] || {}, data = shard[t];
        if (!data) return;
        var list = postings(data), idf = Math.log(1 + n / list.length);
        list.forEach(function (p) {
          var w = p[1], tf = w & 31, boost = (w & 0x80 ? 8 : 0) + (w & 0x40 ? 5 : 0) + (w & 0x20 ? 2 : 0);
          var s = scores[p[0]] || (scores[p[0]] = { id: p[0], hit: 0, score: 0, phrase: 0 });
          s.hit++;
          s.score += idf * (boost + (tf ? 1 + Math.log(tf) : 0));
        });
      });
      // Pages with at least half of a long query's terms (all of a short one's, but one).
      var least = ts.length <= 2 ? 1 : Math.ceil(ts.length / 2);
      var list = Object.keys(scores).map(function (k) { return scores[k]; }).filter(function (s) {
        if (s.hit < least) return false;
        var d = S.docs[s.id] || [0, 0, 0];
        return (!filters.kind || meta.kinds[d[0]][0] === filters.kind) &&
          (!filters.year || String(d[1]) === filters.year) &&
          (!filters.district || meta.districts[d[2] - 1] === filters.district);
      });
      var order = function (a, b) { return b.hit - a.hit || b.phrase - a.phrase || b.score - a.score || a.id - b.id; };
      list.sort(order);
      // The first results: phrases (the query's words as written) count.
      var head = list.slice(0, 30);
      spent = performance.now() - t0;
      return Promise.all(head.map(function (s) { return load('f/' + s.id + '.js'); })).then(function () {
        var t1 = performance.now();
        head.forEach(function (s) {
          var f = S.frags[s.id]; if (!f) return;
          var title = norm(f.t), body = norm(f.s + ' ' + f.m + ' ' + f.x);
          parts.forEach(function (p) { if (title.indexOf(p) >= 0) s.phrase += 2; else if (body.indexOf(p) >= 0) s.phrase += 1; });
        });
        list = head.sort(order).concat(list.slice(30));
        state = { results: list, shown: 0, needles: parts.concat(ts.filter(function (t) { return Array.from(t).length > 1 || isWord(t); })) };
        if (!list.length) return none(q);
        els.status.textContent = say('results', { n: list.length });
        return showMore().then(function () {
          // Time spent ranking and showing, the index files already here.
          window.__exsTimings = { rank: spent + performance.now() - t1 };
        });
      });
    });
  }
  function showMore() {
    var next = state.results.slice(state.shown, state.shown + 10);
    state.shown += next.length;
    return Promise.all(next.map(function (s) { return load('f/' + s.id + '.js'); })).then(function () {
      next.forEach(function (s) {
        var f = S.frags[s.id]; if (!f) return;
        var li = document.createElement('li');
        var meta = [f.k, f.s, f.y ? f.y + say('year-suffix') : '', f.dt].filter(Boolean).map(function (x) { return '<span>' + esc(String(x)) + '</span>'; }).join('');
        li.innerHTML = '<h2><a href="' + esc(href(f.u)) + '">' + marked(f.t, state.needles) + '</a></h2>' +
          '<p class="meta">' + meta + '</p><p class="snippet">' + snippet(f.x || f.m, state.needles) + '</p>';
        els.list.appendChild(li);
      });
      els.more.hidden = state.shown >= state.results.length;
    });
  }
  function none(q) {
    els.status.textContent = say('none', { q: q });
    var qc = Array.from(norm(q)), ranked = (S.meta.schools || []).map(function (name) {
      var hits = Array.from(norm(name)).filter(function (c) { return qc.indexOf(c) >= 0; }).length;
      return [hits, name];
    }).sort(function (a, b) { return b[0] - a[0] || a[1].localeCompare(b[1], 'zh'); }).slice(0, 5);
    var li = document.createElement('li');
    li.innerHTML = '<p>' + esc(say('try')) + '</p><ul class="search-suggest">' + ranked.map(function (x) {
      return '<li><a href="?q=' + encodeURIComponent(x[1]) + '">' + esc(x[1]) + '</a></li>';
    }).join('') + '</ul>';
    els.list.appendChild(li);
  }

  function params() {
    var p = new URLSearchParams(location.search);
    return { q: p.get('q') || '', kind: p.get('kind') || '', year: p.get('year') || '', district: p.get('district') || '' };
  }
  function current() {
    return { q: els.q.value.trim(), kind: els.kind.value, year: els.year.value, district: els.district.value };
  }
  function go(push) {
    var c = current(), p = new URLSearchParams();
    ['q', 'kind', 'year', 'district'].forEach(function (k) { if (c[k]) p.set(k, c[k]); });
    if (push) history.replaceState(null, '', '?' + p.toString());
    return run(c.q, c);
  }
  Promise.all([load('meta.js'), load('docs.js')]).then(function () {
    if (!S.meta || !S.docs) { els.status.textContent = say('none', { q: '' }); return; }
    S.meta.years.forEach(function (y) { option(els.year, String(y), y + say('year-suffix')); });
    S.meta.kinds.forEach(function (k) { if (k[1]) option(els.kind, k[0], k[1]); });
    S.meta.districts.forEach(function (d) { option(els.district, d, d); });
    els.filters.hidden = false;
    var p = params();
    els.q.value = p.q; els.kind.value = p.kind; els.year.value = p.year; els.district.value = p.district;
    els.form.addEventListener('submit', function (e) { e.preventDefault(); go(true); });
    [els.kind, els.year, els.district].forEach(function (s) { s.addEventListener('change', function () { go(true); }); });
    els.more.addEventListener('click', showMore);
    return go(false).then(function () { app.setAttribute('data-ready', '1'); });
  });
})();
