import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, createEvent, open, signIn, uniqueName } from './helpers';

type Seen = { url: string; encoding?: string; cacheControl?: string; cached: boolean };

test('a spectator\'s page arrives compressed, and its code comes from the cache the second time', async ({ page, browser }) => {
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Weight ');
  await createEvent(page, eventName, 'SE', ['Main']);
  const board = `${new URL(page.url()).pathname}/leaderboard?lang=ja`;

  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  // The brotli copies of the built files are made in the background at start-up.
  const html = await (await phone.request.get(board)).text();
  const wasm = /href="([^"]+\.wasm)"/.exec(html)![1];
  expect(wasm).toMatch(/^\/pkg\/[0-9a-f]{16}\/drem\.wasm$/);
  await expect
    .poll(async () => (await phone.request.get(wasm, { headers: { 'accept-encoding': 'br' } })).headers()['content-encoding'], { timeout: 60_000 })
    .toBe('br');

  const cdp = await phone.context().newCDPSession(phone);
  await cdp.send('Network.enable');
  const seen: Seen[] = [];
  // The memory cache says so in an event of its own.
  const fromMemory = new Set<string>();
  cdp.on('Network.requestServedFromCache', (e: any) => fromMemory.add(e.requestId));
  cdp.on('Network.responseReceived', (e: any) => {
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    seen.push({
      url: e.response.url,
      encoding: headers['content-encoding'],
      cacheControl: headers['cache-control'],
      cached: Boolean(e.response.fromDiskCache || fromMemory.has(e.requestId)),
    });
  });
  await open(phone, board);
  await expect(phone.locator('html[lang="ja"]')).toHaveCount(1);
  await expect(phone.getByRole('status')).toHaveClass(/on/);
  const find = (ending: string) => seen.find(r => new URL(r.url).pathname.endsWith(ending));
  expect(find('/leaderboard')?.encoding, 'the page').toMatch(/^(br|gzip)$/);
  for (const file of ['drem.wasm', 'drem.js', 'drem.css']) {
    const response = find(file);
    expect(response?.encoding, file).toMatch(/^(br|gzip)$/);
    expect(response?.cacheControl, file).toContain('immutable');
  }
  expect(find('/leaderboard')?.cacheControl).toBe('no-cache');

  // A second visit: the page again, its code from the cache.
  seen.length = 0;
  await open(phone, board);
  for (const file of ['drem.wasm', 'drem.js', 'drem.css']) {
    const again = find(file);
    expect(again === undefined || again.cached, `${file} from the cache`).toBe(true);
  }
});
