#!/usr/bin/env node
// Screenshots of a built site at the widths issue 10 asks the look to be
// judged at: 360, 768 and 1366 px, each in normal and 长者模式 (?elder=1).
//   node scripts/shots.mjs DIR OUTDIR [page.html ...]
// Serves DIR on 127.0.0.1 with ../shared/qa's server and writes
// OUTDIR/<page>-<width>[-elder].png (full page). Exit 1 on a console error,
// a failed request or a request to any other host.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const QA = process.env.QA || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../shared/qa');
const { launchBrowser, blockExternal, resolveTargets, slug, settle, isLoopbackUrl } = await import(pathToFileURL(path.join(QA, 'lib/common.mjs')).href);

const [dir, outdir, ...pages] = process.argv.slice(2);
if (!dir || !outdir) { console.error('usage: node scripts/shots.mjs DIR OUTDIR [page.html ...]'); process.exit(2); }
const WIDTHS = [360, 768, 1366];
const { urls, server } = await resolveTargets([dir, ...pages]);
mkdirSync(outdir, { recursive: true });
const browser = await launchBrowser();
let problems = 0;
try {
  for (const url of urls) {
    for (const width of WIDTHS) {
      for (const elder of [false, true]) {
        const mobile = width < 800;
        const context = await browser.newContext({
          viewport: { width, height: mobile ? 800 : 900 }, isMobile: mobile, hasTouch: mobile,
          deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
        });
        const blocked = await blockExternal(context);
        const page = await context.newPage();
        page.on('console', (m) => { if (m.type() === 'error') { problems++; console.error(`${url}: console: ${m.text()}`); } });
        page.on('response', (r) => { if (r.status() >= 400 && isLoopbackUrl(r.url())) { problems++; console.error(`${url}: HTTP ${r.status()} ${r.url()}`); } });
        const u = new URL(url);
        u.searchParams.set('elder', elder ? '1' : '0');
        await page.goto(u.href, { waitUntil: 'load', timeout: 30000 });
        await settle(page);
        const file = path.join(outdir, `${slug(url)}-${width}${elder ? '-elder' : ''}.png`);
        await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
        for (const b of blocked) { problems++; console.error(`${url}: outside request ${b.url}`); }
        await context.close();
        console.log(file);
      }
    }
  }
} finally {
  await browser.close();
  if (server) await server.stop();
}
process.exit(problems ? 1 : 0);
