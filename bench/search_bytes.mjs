#!/usr/bin/env node
// What a cold search costs a visitor (issue 12), on a built site:
//   node bench/search_bytes.mjs PUBLIC_DIR [query ...]
// Serves PUBLIC_DIR (built with --base-url http://127.0.0.1/) on loopback,
// opens the search page with each query in a fresh browser (nothing
// cached), and prints the files the search loaded — the page itself and
// its stylesheet are left out, as they are the same for any page — with
// their size as a web server sends them (gzip -6), and the time from the
// last index file arriving to the first result shown.
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const QA = process.env.QA || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../shared/qa');
const { launchBrowser, startServer } = await import(pathToFileURL(path.join(QA, 'lib/common.mjs')).href);
const [dir, ...queries] = process.argv.slice(2);
if (!dir) { console.error('usage: node bench/search_bytes.mjs PUBLIC_DIR [query ...]'); process.exit(2); }
const list = queries.length ? queries : ['志愿服务 安阳', '双减 课后服务', '清廉 学校', '红色 引擎'];
const server = await startServer(dir);
const browser = await launchBrowser();
let worst = 0;
for (const q of list) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const got = [];
  page.on('response', async (r) => {
    const u = new URL(r.url());
    if (!/\/(search\/index\/|js\/search\.js)/.test(u.pathname)) return;
    try { const body = await r.body(); got.push({ path: u.pathname, raw: body.length, gz: gzipSync(body, { level: 6 }).length, at: Date.now() }); } catch { /* aborted */ }
  });
  await page.goto(new URL(`search/?q=${encodeURIComponent(q)}`, server.url).href, { waitUntil: 'load' });
  await page.waitForSelector('#search-app[data-ready]', { state: 'attached', timeout: 30000 });
  const shown = Date.now();
  const results = await page.$$eval('#search-results li', (l) => l.length);
  await page.waitForTimeout(200);
  const gz = got.reduce((a, b) => a + b.gz, 0), raw = got.reduce((a, b) => a + b.raw, 0);
  const kinds = {};
  for (const g of got) {
    const k = g.path.includes('/s/') ? 'shards' : g.path.includes('/f/') ? 'fragments' : path.basename(g.path);
    kinds[k] = (kinds[k] || 0) + g.gz;
  }
  const ms = await page.evaluate(() => window.__exsTimings || null);
  worst = Math.max(worst, gz);
  console.log(`${q}: ${got.length} files, ${(gz / 1024).toFixed(1)} KiB gzip (${(raw / 1024).toFixed(1)} KiB raw), ${results} results shown; ` +
    Object.entries(kinds).map(([k, v]) => `${k} ${(v / 1024).toFixed(1)}`).join(', ') + (ms ? `; ranked in ${ms.rank.toFixed(1)} ms` : ''));
  await context.close();
}
console.log(`worst cold query: ${(worst / 1024).toFixed(1)} KiB gzip`);
await browser.close();
server.stop();
