#!/usr/bin/env node
// Search quality and cost, exemplar against Pagefind, on one built site
// (issue 12; not a test):
//   node bench/search_quality.mjs PUBLIC_DIR QUERIES.json [--pagefind]
// PUBLIC_DIR is a build with --base-url http://127.0.0.1:PORT/ ... any
// loopback root works: pages are asked for by path. QUERIES.json lists
// {q, expect: [site paths]}. For every query, in a fresh browser context
// (nothing cached), it takes the first 10 results of exemplar's search
// page and, with --pagefind (PUBLIC_DIR/pagefind/ made by `python3 -m
// pagefind --site PUBLIC_DIR`), of Pagefind's JS API; and prints
// recall@10 (an expected page among the first 10), MRR, and the bytes the
// query transferred (gzip -6 of every search file loaded).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const QA = process.env.QA || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../shared/qa');
const { launchBrowser, startServer } = await import(pathToFileURL(path.join(QA, 'lib/common.mjs')).href);
const [dir, qfile, ...flags] = process.argv.slice(2);
if (!dir || !qfile) { console.error('usage: node bench/search_quality.mjs PUBLIC_DIR QUERIES.json [--pagefind]'); process.exit(2); }
const queries = JSON.parse(readFileSync(qfile, 'utf8'));
const server = await startServer(dir);
const browser = await launchBrowser();
const norm = (u) => { try { return decodeURIComponent(new URL(u, server.url).pathname).replace(/index\.html$/, ''); } catch { return u; } };

async function run(name, search) {
  let found = 0, rr = 0, bytes = 0, worst = 0;
  const misses = [];
  for (const { q, expect } of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    let gz = 0;
    const reads = [];
    page.on('response', (r) => {
      const p = new URL(r.url()).pathname;
      if (!/\/(search\/index\/|js\/search\.js|pagefind\/)/.test(p)) return;
      reads.push(r.body().then((b) => { gz += gzipSync(b, { level: 6 }).length; }, () => {}));
    });
    let got = [];
    try { got = (await search(page, q)).map(norm).slice(0, 10); } catch (e) { got = []; misses.push(`${q}: error ${e.message.split('\n')[0]}`); }
    await page.waitForTimeout(100);
    await Promise.all(reads);
    const rank = got.findIndex((u) => expect.includes(u));
    if (rank >= 0) { found++; rr += 1 / (rank + 1); } else misses.push(`${q} → ${got.slice(0, 3).join(' ') || '(nothing)'}`);
    bytes += gz; worst = Math.max(worst, gz);
    await context.close();
  }
  const n = queries.length;
  console.log(`${name}: recall@10 ${(100 * found / n).toFixed(1)}% (${found}/${n}), MRR ${(rr / n).toFixed(3)}, ` +
    `cold query ${(bytes / n / 1024).toFixed(1)} KiB gzip on average, worst ${(worst / 1024).toFixed(1)} KiB`);
  for (const m of misses) console.log(`  miss: ${m}`);
}

// Of exemplar's first 10 results, how many show a matched word in their
// snippet (the snippet comes from the start of the page's text, which its
// fragment keeps: a word further on leaves the snippet unmarked).
let shown = 0, marked = 0;
await run('exemplar', async (page, q) => {
  await page.goto(new URL(`search/?q=${encodeURIComponent(q)}`, server.url).href, { waitUntil: 'load' });
  await page.waitForSelector('#search-app[data-ready]', { state: 'attached', timeout: 30000 });
  const marks = await page.$$eval('#search-results li .snippet', (ps) => ps.slice(0, 10).map((p) => p.querySelector('mark') !== null));
  shown += marks.length;
  marked += marks.filter(Boolean).length;
  return page.$$eval('#search-results li h2 a', (as) => as.map((a) => a.href));
});
console.log(`  snippets with a matched word marked: ${(100 * marked / Math.max(shown, 1)).toFixed(1)}% of the first 10 results (${marked}/${shown})`);
if (flags.includes('--pagefind')) {
  await run('pagefind', async (page, q) => {
    await page.goto(new URL('404.html', server.url).href, { waitUntil: 'load' });
    return page.evaluate(async (q) => {
      const pf = await import('/pagefind/pagefind.js');
      const r = await pf.search(q);
      const data = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
      return data.map((d) => d.url);
    }, q);
  });
}
await browser.close();
server.stop();
