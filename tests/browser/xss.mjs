#!/usr/bin/env node
// XSS suite: untrusted contributions must never run script on the site.
// Builds a site whose titles, summaries, tags, school names, bodies, link
// URLs and image alt texts carry XSS payloads (each tries to set
// window.__xss), opens every generated page in headless Chromium — in the
// normal and the elderly-friendly mode — and checks that no payload ran and
// no script-capable markup survived.
//
//   node tests/browser/xss.mjs [path/to/exemplar] [path/to/shared/qa]
// XSS_TRUST_HTML=1 builds with `trust_html: true`: the suite must then fail
// (a check that the checks can fail).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.argv[2] || path.join(repo, 'target/release/exemplar');
const qa = process.argv[3] || path.join(repo, '../shared/qa');
const { launchBrowser, blockExternal, startServer, listHtml } = await import(pathToFileURL(path.join(qa, 'lib/common.mjs')));

const X = 'window.__xss=1';
// Raw HTML and Markdown payloads for bodies.
const BODY = [
  `<script>${X}</script>`,
  `<img src=x onerror="${X}">`,
  `<svg onload="${X}"></svg>`,
  `<svg><script>${X}</script></svg>`,
  `<iframe src="javascript:parent.__xss=1"></iframe>`,
  `<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>`,
  `<a href="javascript:${X}">a</a>`,
  `<a href="  JaVaScRiPt:${X}">b</a>`,
  `<body onload="${X}">`,
  `<details open ontoggle="${X}"><summary>s</summary></details>`,
  `<input autofocus onfocus="${X}">`,
  `<video><source onerror="${X}"></video>`,
  `<audio src=x onerror="${X}"></audio>`,
  `<object data="data:text/html,<script>parent.__xss=1</script>"></object>`,
  `<embed src="data:text/html,<script>parent.__xss=1</script>">`,
  `<math><mtext></table><img src=x onerror="${X}"></mtext></math>`,
  `<noscript><p title="</noscript><img src=x onerror=${X}>"></p></noscript>`,
  `<form action="javascript:${X}"><button>f</button></form>`,
  `<meta http-equiv="refresh" content="0;url=javascript:${X}">`,
  `<base href="javascript:${X}//">`,
  `<marquee onstart="${X}">m</marquee>`,
  `<div style="background:url(javascript:${X})">d</div>`,
  `<style>*{background:url("javascript:${X}")}</style>`,
  `<img src="x" alt="x" onload="${X}" onerror="${X}">`,
  `<table><tr><td background="javascript:${X}">t</td></tr></table>`,
  `[md link](javascript:${X})`,
  `[md link 2](<javascript:${X}>)`,
  `![md image](javascript:${X})`,
  `[data link](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3M9MTwvc2NyaXB0Pg==)`,
  `![" onerror="${X}](x.png)`,
  `[x](https://example.org/" onmouseover="${X})`,
  `<a href="#" onclick="${X}" id="clickme">click</a>`,
  // Markdown alone, no raw HTML: heading attributes and link titles.
  `## 标题 {onfocus="${X}" tabindex=0 autofocus}`,
  `## 标题 {#x onmouseover="${X}" style="position:fixed;inset:0"}`,
  `[t](https://example.org/ "x\" onmouseover=\"${X}")`,
];
// Payloads for header fields (always escaped by the templates).
const HEAD = [
  `<script>${X}</script>`,
  `"><img src=x onerror=${X}>`,
  `</title><script>${X}</script>`,
  `'><svg onload=${X}>`,
];

const site = mkdtempSync(path.join(os.tmpdir(), 'exemplar-xss-'));
const q = (s) => JSON.stringify(s);
mkdirSync(path.join(site, 'content/brands'), { recursive: true });
mkdirSync(path.join(site, 'data'), { recursive: true });
writeFileSync(path.join(site, 'site.yaml'), `title: ${q('XSS ' + HEAD[0])}\ndescription: ${q(HEAD[1])}\nbase_url: /\norganisation: ${q(HEAD[2])}\nfooter:\n  sponsor: ${q(HEAD[3])}\n  contact: ${q(HEAD[0])}\n${process.env.XSS_TRUST_HTML ? 'trust_html: true\n' : ''}`);
writeFileSync(path.join(site, 'data/schools.yaml'), HEAD.map((h, i) => `- id: s${i}\n  name: ${q('学校' + i + h)}\n  short: ${q(h)}\n  district: ${q('学区' + h)}\n  stage: 小学\n  ownership: 公办\n  party_org: 党支部\n  intro: ${q(h)}\n`).join(''));
writeFileSync(path.join(site, 'content/_index.md'), `---\ntitle: ${q('首页' + HEAD[1])}\ndescription: ${q(HEAD[3])}\n---\n${BODY[0]}\n`);
writeFileSync(path.join(site, 'content/brands/_index.md'), `---\ntitle: ${q('栏目' + HEAD[0])}\ndescription: ${q(HEAD[2])}\n---\n${BODY[1]}\n`);
// Payloads point at `x` and `x.png`: files that exist (a missing one is a
// build error). `x` is no image, so an `onerror` would fire if it survived;
// `x.png` is a real 1×1 PNG (the image stage refuses broken ones) that
// goes through the image stage into a <picture>.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const bundle = (name) => {
  const dir = path.join(site, 'content/brands', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'x'), 'not an image');
  writeFileSync(path.join(dir, 'x.png'), PNG);
  return path.join(dir, 'index.md');
};
writeFileSync(path.join(site, 'content/brands/x'), 'not an image');
writeFileSync(path.join(site, 'content/brands/x.png'), PNG);
BODY.forEach((b, i) => {
  const h = HEAD[i % HEAD.length];
  writeFileSync(bundle(`p${i}`), [
    '---',
    `title: ${q('案例' + i + h)}`,
    `date: 2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
    `summary: ${q(h)}`,
    `tags: [${q('标签' + h)}, ${q('t' + (i % 3))}]`,
    `school: s${i % HEAD.length}`,
    `measures: [${(i % 15) + 1}]`,
    `author: ${q(h)}`,
    `source: ${q(h)}`,
    `editor: ${q(h)}`,
    `brand: ${q(h)}`,
    `slogan: ${q(h)}`,
    `cover: x.png`,
    `cover_alt: ${q('" onerror="' + X)}`,
    '---',
    '',
    `## ${h.replace(/[<>]/g, '')}`,
    '',
    b,
    '',
  ].join('\n'));
});
// Each body payload also stands alone on a page of its own, with a plain
// header and nothing else in the body, so no payload can hide behind
// another (a page's other content must never decide whether it is cleaned).
BODY.forEach((b, i) => {
  writeFileSync(bundle(`solo${i}`), [
    '---',
    `title: 单独${i}`,
    `date: 2024-02-${String((i % 28) + 1).padStart(2, '0')}`,
    '---',
    '',
    b,
    '',
  ].join('\n'));
});
const out = path.join(site, 'public');
execFileSync(bin, ['build', '--root', site, '-o', out], { stdio: 'inherit' });

let passed = 0, failed = 0;
const check = (name, ok, detail = '') => { if (ok) passed++; else { failed++; console.log(`FAIL ${name} ${detail}`); } };
const server = await startServer(out);
const browser = await launchBrowser();
try {
  const context = await browser.newContext();
  const outside = await blockExternal(context);
  const pages = listHtml(out);
  const page = await context.newPage();
  page.on('dialog', (d) => { failed++; console.log(`FAIL dialog opened: ${d.message()}`); d.dismiss(); });
  for (const mode of ['', '?elder=1']) {
    for (const p of pages) {
      const url = new URL(p, server.url).href + mode;
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForTimeout(50);
      await page.hover('body').catch(() => {});
      const click = await page.$('#clickme');
      if (click) await click.click().catch(() => {});
      const r = await page.evaluate(() => ({
        xss: window.__xss,
        js: [...document.querySelectorAll('a[href], form[action], iframe, object, embed, base')].filter((e) => /^\s*(javascript|data|vbscript):/i.test(e.getAttribute('href') || e.getAttribute('action') || e.getAttribute('src') || e.getAttribute('data') || '') || ['IFRAME', 'OBJECT', 'EMBED', 'BASE'].includes(e.tagName)).length,
        handlers: [...document.querySelectorAll('main *')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on') || a.name === 'autofocus')).length,
        scripts: [...document.querySelectorAll('main script, footer script:not([src])')].length,
        elder: document.documentElement.classList.contains('elder'),
      }));
      const where = `${p}${mode}`;
      check(`no payload ran on ${where}`, r.xss === undefined, `window.__xss=${r.xss}`);
      check(`no script URL or frame survived on ${where}`, r.js === 0, `${r.js} element(s)`);
      check(`no event handler survived on ${where}`, r.handlers === 0, `${r.handlers} element(s)`);
      check(`no script in content on ${where}`, r.scripts === 0, `${r.scripts}`);
      if (mode) check(`elderly mode on for ${where}`, r.elder);
    }
  }
  check('no request to another host', outside.length === 0, JSON.stringify(outside.slice(0, 3)));
  console.log(`xss: ${BODY.length} body payloads + ${HEAD.length} header payloads in ${pages.length} pages × 2 modes`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(site, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
