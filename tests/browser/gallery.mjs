#!/usr/bin/env node
// Real-browser test of the sample site's photo galleries (headless
// Chromium via the shared QA harness): without script each photo is a link
// to its large version; with script it opens in a dialog that works by
// keyboard (→ next, ← previous, Esc closes, focus returns to the photo).
//
//   node tests/browser/gallery.mjs [path/to/exemplar] [path/to/shared/qa]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.argv[2] || path.join(repo, 'target/release/exemplar');
const qa = process.argv[3] || path.join(repo, '../shared/qa');
const { launchBrowser, blockExternal, startServer } = await import(pathToFileURL(path.join(qa, 'lib/common.mjs')));

const out = mkdtempSync(path.join(os.tmpdir(), 'exemplar-gallery-'));
execFileSync(bin, ['build', '--root', repo, '-o', path.join(out, 'public'), '--base-url', 'http://127.0.0.1/'], { stdio: 'inherit' });

let passed = 0, failed = 0;
const check = (name, ok, detail = '') => {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name} ${detail}`); }
};
const server = await startServer(path.join(out, 'public'));
const browser = await launchBrowser();
try {
  const page_ = 'brands/yunjiang-hongzhu/';
  // Without script: links to the large files, which load.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  await blockExternal(plain);
  const p0 = await plain.newPage();
  await p0.goto(new URL(page_, server.url).href, { waitUntil: 'load' });
  const hrefs = await p0.$$eval('.gallery a', (as) => as.map((a) => a.href));
  check('without script every photo is a link', hrefs.length === 3, JSON.stringify(hrefs));
  const r = await p0.goto(hrefs[0]);
  check('the link opens the large photo', r && r.ok() && /image\/jpeg/.test(r.headers()['content-type'] || ''), r && r.status());
  await plain.close();

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const outside = await blockExternal(context);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL(page_, server.url).href, { waitUntil: 'load' });
  const links = page.locator('.gallery a');
  await links.nth(0).focus();
  await page.keyboard.press('Enter');
  const open = await page.evaluate(() => !!document.querySelector('dialog.lightbox[open]'));
  check('Enter on a photo opens the viewer', open);
  const count = async () => page.textContent('dialog.lightbox .lb-count');
  const caption = async () => page.textContent('dialog.lightbox figcaption');
  check('it shows the photo and its caption', (await count()) === '1 / 3' && (await caption()).includes('升旗'), `${await count()} ${await caption()}`);
  await page.keyboard.press('ArrowRight');
  check('→ shows the next photo', (await count()) === '2 / 3', await count());
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  check('← wraps round to the last', (await count()) === '3 / 3', await count());
  const loaded = await page.evaluate(() => new Promise((res) => {
    const img = document.querySelector('dialog.lightbox img');
    if (img.complete && img.naturalWidth) res(true); else { img.onload = () => res(true); img.onerror = () => res(false); }
  }));
  check('the large photo loads', loaded);
  await page.keyboard.press('Escape');
  const closed = await page.evaluate(() => !document.querySelector('dialog.lightbox[open]'));
  const focusBack = await page.evaluate(() => document.activeElement && document.activeElement.closest('.gallery') !== null);
  check('Esc closes it and focus returns to the photo', closed && focusBack, `closed=${closed} focus=${focusBack}`);
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
