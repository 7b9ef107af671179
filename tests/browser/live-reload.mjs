#!/usr/bin/env node
// Real-browser test of `exemplar serve` (headless Chromium via the shared QA
// harness): a page open in the browser follows edits of its Markdown without
// a manual reload, shows a build error as an overlay and drops it when the
// file is fixed, and takes a stylesheet change without reloading.
//
//   node tests/browser/live-reload.mjs [path/to/exemplar] [path/to/shared/qa]
//
// Works on a temporary copy of the sample site; prints one line per check
// and "N passed, N failed"; exit 1 on any failure.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.argv[2] || path.join(repo, 'target/release/exemplar');
const qa = process.argv[3] || path.join(repo, '../shared/qa');
const { launchBrowser, blockExternal } = await import(pathToFileURL(path.join(qa, 'lib/common.mjs')));

const site = mkdtempSync(path.join(os.tmpdir(), 'exemplar-browser-'));
for (const f of ['site.yaml', 'content', 'data', 'themes', 'static']) cpSync(path.join(repo, f), path.join(site, f), { recursive: true });

let passed = 0, failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name} ${detail}`); }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Poll `fn` in the page until it returns true; a reload in between (the
// thing under test) only makes one poll fail.
async function until(page, fn, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if (await page.evaluate(fn)) return true; } catch { /* navigating */ }
    await sleep(100);
  }
  return false;
}

const server = spawn(bin, ['serve', '--root', site, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
let log = '';
const url = await new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error('serve did not print its URL:\n' + log)), 30000);
  server.stderr.on('data', (d) => {
    log += d;
    const m = /\(open\): (\S+)/.exec(log);
    if (m) { clearTimeout(t); resolve(m[1]); }
  });
});

let browser;
try {
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const outside = await blockExternal(context);
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto(url + 'deeds/huling-jiedui/', { waitUntil: 'load' });
  await page.evaluate(() => { window.__notReloaded = true; });
  await sleep(300); // the live-reload connection opens on load

  const md = path.join(site, 'content/deeds/huling-jiedui.md');
  const original = readFileSync(md, 'utf8');
  writeFileSync(md, original + '\n浏览器测试新增的一段话。\n');
  const changed = await until(page, () => document.body.innerText.includes('浏览器测试新增的一段话'));
  check('page follows a Markdown edit without a manual reload', changed);

  writeFileSync(md, original.replace('date: 2024-12-10 15:00', 'date: 2024-13-10'));
  const overlay = await until(page, () => !!document.getElementById('exemplar-error-overlay'));
  const text = overlay ? await page.textContent('#exemplar-error-overlay') : '';
  check('a build error shows as an overlay naming file and line', overlay && text.includes('content/deeds/huling-jiedui.md:') && text.includes('2024-13-10'), text);
  check('the last good page stays under the overlay', (await page.textContent('main')).includes('浏览器测试新增的一段话'));

  writeFileSync(md, original);
  const gone = await until(page, () => !document.getElementById('exemplar-error-overlay') && !document.body.innerText.includes('浏览器测试新增的一段话'));
  check('fixing the file removes the overlay', gone);

  // Let trailing rebuilds of the last save settle: the marker must survive 1 s.
  for (let i = 0; i < 10; i++) {
    try { await page.evaluate(() => { window.__notReloaded = true; }); } catch { /* reloading */ }
    await sleep(1000);
    if (await page.evaluate(() => window.__notReloaded === true).catch(() => false)) break;
  }
  const css = path.join(site, 'themes/default/static/css/site.css');
  writeFileSync(css, readFileSync(css, 'utf8') + '\nbody { outline: 7px solid rgb(1, 2, 3); }\n');
  const styled = await until(page, () => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)');
  const kept = await page.evaluate(() => window.__notReloaded === true).catch(() => false);
  check('a stylesheet change applies without reloading the page', styled && kept, `styled=${styled} notReloaded=${kept}`);

  check('no console errors', consoleErrors.length === 0, consoleErrors.join(' | '));
  check('no request to another host', outside.length === 0, JSON.stringify(outside));
} catch (e) {
  check('browser run', false, e.stack);
} finally {
  if (browser) await browser.close();
  server.kill();
  rmSync(site, { recursive: true, force: true });
}
if (failed) console.log('--- exemplar serve said:\n' + log.split('\n').slice(-40).join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
