import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
const root = '/work/wt-storybook/storybook-static';
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.woff2':'font/woff2' };
const server = createServer(async (req, res) => {
  if (req.url.startsWith('/api/livekit-status')) { res.setHeader('content-type','application/json'); return res.end(process.env.STATUS); }
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname); if (p.endsWith('/')) p += 'index.html';
  try { const b = await readFile(join(root, p)); res.writeHead(200, { 'content-type': types[extname(p)] ?? 'application/octet-stream' }).end(b); } catch { res.writeHead(404).end(); }
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
page.on('console', (m) => m.type() === 'error' && console.log('console:', m.text()));
await page.goto(`${base}/iframe.html?id=playground--playground&viewMode=story${process.env.EXTRA ?? ''}`);
await page.waitForTimeout(6000);
await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
const v = await page.evaluate(async () => (await axe.run('#storybook-root')).violations.map((x) => `${x.impact} ${x.id} ${x.nodes.map((n) => n.target.join(' ')).join(' | ')}`));
console.log(JSON.stringify(v, null, 1));
console.log(await page.locator('#storybook-root').innerText());
await page.screenshot({ path: `/tmp/sbshots/pg-${process.env.NAME}.png` });
await browser.close(); server.close();
