#!/usr/bin/env node
// Real-browser test of the article tools in the sample site (headless
// Chromium via the shared QA harness): the 字号 大/中/小 control changes
// the body text size, says which size is on (aria-pressed), is remembered
// on the next article without a flash, and is hidden without script; the
// footer reaches 关于本站, 联系我们 and the 网站地图 page.
//
//   node tests/browser/article.mjs [path/to/exemplar] [path/to/shared/qa]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.argv[2] || path.join(repo, 'target/release/exemplar');
const qa = process.argv[3] || path.join(repo, '../shared/qa');
const { launchBrowser, blockExternal, startServer } = await import(pathToFileURL(path.join(qa, 'lib/common.mjs')));

const out = mkdtempSync(path.join(os.tmpdir(), 'exemplar-article-'));
execFileSync(bin, ['build', '--root', repo, '-o', path.join(out, 'public'), '--base-url', 'http://127.0.0.1/'], { stdio: 'inherit' });

let passed = 0, failed = 0;
const check = (name, ok, detail = '') => {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name} ${detail}`); }
};
const server = await startServer(path.join(out, 'public'));
const browser = await launchBrowser();
try {
  const first = new URL('brands/yunjiang-hongzhu/', server.url).href;
  const second = new URL('deeds/baishi-volunteers/', server.url).href;

  const plain = await browser.newContext({ javaScriptEnabled: false });
  await blockExternal(plain);
  const p0 = await plain.newPage();
  await p0.goto(first, { waitUntil: 'load' });
  check('without script the 字号 control is hidden', !(await p0.isVisible('.font-size')));
  await plain.close();

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const outside = await blockExternal(context);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(first, { waitUntil: 'load' });
  const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.content p')).fontSize));
  const pressed = () => page.$$eval('.font-size button', (bs) => bs.filter((b) => b.getAttribute('aria-pressed') === 'true').map((b) => b.dataset.fs));
  const medium = await size();
  const title = () => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.article h1')).fontSize));
  const titleBefore = await title();
  check('中 is on at first', JSON.stringify(await pressed()) === '["m"]', JSON.stringify(await pressed()));
  await page.click('.font-size button[data-fs="l"]');
  const large = await size();
  check('大 makes the body text larger', large > medium * 1.1, `${medium} → ${large}`);
  check('大 is marked as on', JSON.stringify(await pressed()) === '["l"]', JSON.stringify(await pressed()));
  check('only the body text changes, not the title', (await title()) === titleBefore, `${titleBefore} → ${await title()}`);
  await page.goto(second, { waitUntil: 'load' });
  const kept = await page.evaluate(() => document.documentElement.getAttribute('data-fs'));
  check('the size is remembered on the next article', kept === 'l' && (await size()) === large, `${kept} ${await size()}`);
  await page.click('.font-size button[data-fs="s"]');
  check('小 makes it smaller than 中', (await size()) < medium, `${await size()} vs ${medium}`);
  await page.click('.font-size button[data-fs="m"]');
  check('中 goes back to the normal size', (await size()) === medium, `${await size()} vs ${medium}`);

  const footer = await page.$$eval('.footer-links a', (as) => as.map((a) => a.textContent.trim()));
  check('the footer links 关于本站, 联系我们 and 网站地图', JSON.stringify(footer) === '["关于本站","联系我们","网站地图"]', JSON.stringify(footer));
  await page.click('.footer-links a >> text=网站地图');
  await page.waitForLoadState('load');
  const h1 = await page.textContent('h1');
  const columns = await page.$$eval('.site-map a', (as) => as.map((a) => a.textContent.trim()));
  check('the 网站地图 page lists the columns and views', h1.trim() === '网站地图' && ['品牌案例', '先进事迹', '清廉学校', '十五项举措', '学校', '年度汇编', '标签'].every((c) => columns.includes(c)), `${h1} ${JSON.stringify(columns.slice(0, 12))}`);
  // Regression: `.wrap` zeroed main's bottom padding, so the pager sat
  // flush against the footer.
  await page.goto(new URL('deeds/', server.url).href, { waitUntil: 'load' });
  const gap = await page.evaluate(() => document.querySelector('.site-footer').getBoundingClientRect().top - document.querySelector('.pager').getBoundingClientRect().bottom);
  check('the pager keeps its distance from the footer', gap >= 24, `${gap}px`);
  check('no console errors', errors.length === 0, errors.join(' | '));
  check('no request to another host', outside.length === 0, JSON.stringify(outside));
} catch (e) {
  check('browser run', false, e.stack);
} finally {
  await browser.close();
  await server.stop();
  rmSync(out, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
