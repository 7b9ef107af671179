#!/usr/bin/env node
// Real-browser test of a frozen yearly archive (issue 11), with no server:
// the sample site's busiest year is archived into a copy of the site, then
// every HTML page of archive/<year>/ is opened from file:// in headless
// Chromium. Every link, image, stylesheet and script must name a file the
// archive holds (links to other years may go to the live site, nothing
// else leaves the disk), no request may leave file://, the 长者模式 switch
// must work, and collection.html must print to a PDF whose page count is
// sane and whose Chinese text extracts (pdfinfo, pdftotext).
//
//   node tests/browser/archive.mjs [path/to/exemplar] [path/to/shared/qa]
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.argv[2] || path.join(repo, 'target/release/exemplar');
const qa = process.argv[3] || path.join(repo, '../shared/qa');
const { launchBrowser } = await import(pathToFileURL(path.join(qa, 'lib/common.mjs')));

const YEAR = '2023';
const LIVE = 'https://example.gov.cn/jyj/ddjs/';
const site = mkdtempSync(path.join(os.tmpdir(), 'exemplar-archive-'));
for (const f of ['site.yaml', 'content', 'data', 'static', 'themes']) {
  if (existsSync(path.join(repo, f))) cpSync(path.join(repo, f), path.join(site, f), { recursive: true });
}
execFileSync(bin, ['archive', YEAR, '--root', site, '--date', '2025-12-31', '--quiet'], { stdio: 'inherit' });
const dir = path.join(site, 'archive', YEAR);

let passed = 0, failed = 0;
const check = (name, ok, detail = '') => {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name} ${detail}`); }
};
const htmlFiles = (d) => readdirSync(d, { recursive: true })
  .map(String).filter((f) => f.endsWith('.html')).sort();

const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const outside = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('file:') || u.startsWith('data:') || u.startsWith('about:')) return route.continue();
    outside.push(u);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // A load cut short by the next page (ERR_ABORTED) is not a missing file.
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText || '';
    if (r.url().startsWith('file:') && !why.includes('ERR_ABORTED')) errors.push(`failed ${r.url()} ${why}`);
  });
  const broken = new Set();
  const live = new Set();
  let links = 0;
  const files = htmlFiles(dir);
  for (const f of files) {
    await page.goto(pathToFileURL(path.join(dir, f)).href, { waitUntil: 'load' });
    const urls = await page.evaluate(() => {
      const out = [];
      for (const a of document.querySelectorAll('a[href]')) out.push(['a', a.href]);
      for (const e of document.querySelectorAll('img[src], script[src]')) out.push(['res', e.src]);
      for (const l of document.querySelectorAll('link[href]')) out.push([l.rel === 'stylesheet' || l.rel === 'icon' ? 'res' : 'meta', l.href]);
      for (const s of document.querySelectorAll('[srcset]')) {
        for (const c of s.getAttribute('srcset').split(',')) out.push(['res', new URL(c.trim().split(/\s+/)[0], document.baseURI).href]);
      }
      return out;
    });
    for (const [kind, u] of urls) {
      if (u.startsWith('file:')) {
        links++;
        const p = fileURLToPath(u.split('#')[0].split('?')[0]);
        if (!existsSync(p) || !statSync(p).isFile()) broken.add(`${f} → ${u}`);
      } else if (kind === 'a' && u.startsWith(LIVE)) {
        live.add(u);
      } else if (kind !== 'meta' && !u.startsWith('mailto:')) {
        broken.add(`${f} → outside: ${u}`);
      }
    }
  }
  check(`every page opens from file:// (${files.length} pages)`, files.length > 50 && errors.length === 0, errors.slice(0, 5).join('\n'));
  check(`every link and resource names a file of the archive (${links} checked)`, broken.size === 0 && links > 1000, [...broken].slice(0, 10).join('\n'));
  check('no request leaves the disk', outside.length === 0, outside.slice(0, 5).join('\n'));
  console.log(`     (${live.size} links to pages of other years go to the live site)`);

  // Navigation, and 长者模式, with no server.
  await page.goto(pathToFileURL(path.join(dir, 'index.html')).href, { waitUntil: 'load' });
  await Promise.all([page.waitForURL(/\/brands\/index\.html$/), page.click('.site-nav a[href="brands/index.html"]')]);
  check('the main navigation opens a column', page.url().endsWith('/brands/index.html'), page.url());
  await Promise.all([page.waitForURL(/\/brands\/[^/]+\/index\.html$/), page.locator('.card-title a').first().click()]);
  check('a card opens its page', (await page.locator('.article h1').count()) === 1, page.url());
  check('the page says it is a frozen copy', (await page.locator('.archive-banner').innerText()).includes(`${YEAR} 年度存档`));
  await page.click('.elder-toggle');
  check('长者模式 switches on from file://', await page.evaluate(() => document.documentElement.classList.contains('elder')));
  await page.goto(pathToFileURL(path.join(dir, 'index.html')).href, { waitUntil: 'load' });
  check('长者模式 is remembered on the next page', await page.evaluate(() => document.documentElement.classList.contains('elder')));
  const imgs = await page.evaluate(() => [...document.images].filter((i) => i.complete && i.naturalWidth === 0).map((i) => i.currentSrc));
  check('every image on the home page loads', imgs.length === 0, imgs.join(' '));

  // The collection prints: a cover, the contents, each exemplar from a new page.
  const print = await context.newPage();
  await print.goto(pathToFileURL(path.join(dir, 'collection.html')).href, { waitUntil: 'load' });
  const entries = await print.locator('.collection-entry').count();
  const pdf = path.join(site, 'collection.pdf');
  await print.pdf({ path: pdf, format: 'A4', printBackground: false });
  const info = execFileSync('pdfinfo', [pdf]).toString();
  const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1] || 0);
  check(`the collection prints to a sane number of A4 pages (${pages} for ${entries} exemplars)`, entries >= 5 && pages >= entries + 2 && pages <= entries * 6 + 4, info);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-']).toString();
  check('the PDF text is Chinese that extracts', text.includes(`${YEAR} 年度典型案例汇编`) && text.includes('云江实验小学'), text.slice(0, 300));
  const pageTexts = text.split('\f');
  const titles = await print.locator('.collection-entry-title').allInnerTexts();
  const starts = titles.filter((t) => pageTexts.some((p) => p.replace(/\s+/g, '').includes(t.replace(/\s+/g, '').slice(0, 12))));
  check('every exemplar is in the PDF', starts.length === titles.length, `${starts.length}/${titles.length}`);
  const navInPdf = pageTexts.some((p) => p.includes('十五项举措') && p.includes('标签'));
  check('no navigation chrome in print', !navInPdf);
  writeFileSync(path.join(os.tmpdir(), 'exemplar-collection-pages.txt'), String(pages));
} finally {
  await browser.close();
  rmSync(site, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
