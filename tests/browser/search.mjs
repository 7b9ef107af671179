#!/usr/bin/env node
// Real-browser test of the search (issue 12) on the sample site, served
// under a sub-path and opened from file:// in a frozen archive: a Chinese
// query typed into the header's box lands on the search page with the
// expected first result and the query in the URL; a filter narrows the
// results; a result opens; a query with no match says so and suggests
// schools. No request leaves the machine.
//
//   node tests/browser/search.mjs [path/to/exemplar] [path/to/shared/qa]
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.argv[2] || path.join(repo, 'target/release/exemplar');
const qa = process.argv[3] || path.join(repo, '../shared/qa');
const { launchBrowser, blockExternal, startServer } = await import(pathToFileURL(path.join(qa, 'lib/common.mjs')));

const tmp = mkdtempSync(path.join(os.tmpdir(), 'exemplar-search-'));
let passed = 0, failed = 0;
const check = (name, ok, detail = '') => {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name} ${detail}`); }
};
const ready = (page) => page.waitForSelector('#search-app[data-ready]', { state: 'attached', timeout: 10000 });
const titles = (page) => page.$$eval('#search-results li h2', (hs) => hs.map((h) => h.textContent.trim()));

const browser = await launchBrowser();
try {
  // Served under a sub-path, as on the portal.
  const pub = path.join(tmp, 'public');
  mkdirSync(pub, { recursive: true });
  const server = await startServer(pub);
  const base = new URL('jyj/ddjs/', server.url).href;
  execFileSync(bin, ['build', '--root', repo, '-o', path.join(pub, 'jyj/ddjs'), '--base-url', base, '-q'], { stdio: 'inherit' });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const outside = await blockExternal(context);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(base, { waitUntil: 'load' });
  await page.fill('#site-q', '红烛先锋');
  await Promise.all([page.waitForURL(/\/search\/\?q=/), page.press('#site-q', 'Enter')]);
  await ready(page);
  check('the header box leads to the search page with the query in the URL', decodeURIComponent(page.url()).includes('q=红烛先锋'), page.url());
  let t = await titles(page);
  check('a brand name finds its case first', (t[0] || '').includes('红烛先锋'), t.join(' | '));
  const marks = await page.$$eval('#search-results li:first-child mark', (ms) => ms.map((m) => m.textContent));
  check('the matched words are highlighted', marks.some((m) => m.includes('红烛')), marks.join(','));
  await page.fill('#q', '志愿服务');
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => decodeURIComponent(location.search).includes('志愿服务'));
  await page.waitForFunction(() => document.querySelectorAll('#search-results li').length > 0);
  t = await titles(page);
  check('a two-word phrase finds the volunteers first', (t[0] || '').includes('志愿服务'), t.join(' | '));
  const before = t.length;
  await page.selectOption('#f-kind', 'brand');
  await page.waitForFunction(() => /kind=brand/.test(location.search));
  await page.waitForTimeout(300);
  const kinds = await page.$$eval('#search-results li .meta span:first-child', (s) => s.map((x) => x.textContent));
  check('a kind filter keeps only that kind', kinds.length > 0 && kinds.length < before && kinds.every((k) => k === '品牌案例'), kinds.join(','));
  await page.selectOption('#f-kind', '');
  await page.waitForTimeout(300);
  await page.goto(`${base}search/?q=${encodeURIComponent('2023年 清廉')}&year=2023`, { waitUntil: 'load' });
  await ready(page);
  const years = await page.$$eval('#search-results li .meta', (s) => s.map((x) => x.textContent));
  check('a shared URL restores the query and the year filter', years.length > 0 && years.every((y) => y.includes('2023年')) && (await page.inputValue('#f-year')) === '2023', years.join(' | '));
  await page.goto(`${base}search/?q=${encodeURIComponent('ＧｉｔＨｕｂ 汪洋大海')}`, { waitUntil: 'load' });
  await ready(page);
  const status = await page.textContent('#search-status');
  check('no match says so and suggests schools', status.includes('没有找到') && (await page.$$('.search-suggest a')).length > 0, status);
  await page.goto(`${base}search/?q=${encodeURIComponent('云江')}`, { waitUntil: 'load' });
  await ready(page);
  await Promise.all([page.waitForURL((u) => !u.href.includes('/search/')), page.click('#search-results li:first-child h2 a')]);
  check('a result opens its page', (await page.locator('.article h1, .list-header h1').count()) > 0 && !page.url().includes('/search/'), page.url());
  check('no error and no outside request', errors.length === 0 && outside.length === 0, errors.concat(outside.map((o) => o.url)).join('\n'));
  server.stop();

  // From file://, in a frozen archive.
  const site = path.join(tmp, 'site');
  for (const f of ['site.yaml', 'content', 'data', 'static', 'themes']) {
    if (existsSync(path.join(repo, f))) cpSync(path.join(repo, f), path.join(site, f), { recursive: true });
  }
  execFileSync(bin, ['archive', '2023', '--root', site, '--date', '2025-12-31', '--quiet'], { stdio: 'inherit' });
  const local = await browser.newContext({ locale: 'zh-CN' });
  const p2 = await local.newPage();
  const errs2 = [];
  p2.on('pageerror', (e) => errs2.push(String(e)));
  await p2.goto(pathToFileURL(path.join(site, 'archive/2023/index.html')).href, { waitUntil: 'load' });
  await p2.fill('#site-q', '红烛先锋');
  await Promise.all([p2.waitForURL(/search\/index\.html\?q=/), p2.press('#site-q', 'Enter')]);
  await ready(p2);
  const t2 = await titles(p2);
  check('from file:// the archive searches its own year', (t2[0] || '').includes('红烛先锋') && errs2.length === 0, t2.join(' | ') + errs2.join('\n'));
  await Promise.all([p2.waitForURL((u) => !u.href.includes('/search/')), p2.click('#search-results li:first-child h2 a')]);
  check('a result opens from file://', p2.url().startsWith('file:') && p2.url().endsWith('/index.html') && (await p2.locator('.article h1').count()) === 1, p2.url());
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
