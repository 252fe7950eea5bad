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
  // The spectators' build: the board's code alone.
  expect(wasm).toMatch(/^\/pkg\/[0-9a-f]{16}\/board\/drem\.wasm$/);
  const files = [wasm, wasm.replace(/\.wasm$/, '.js'), /href="([^"]+\.css)"/.exec(html)![1]];
  for (const file of files) {
    await expect
      .poll(async () => (await phone.request.get(file, { headers: { 'accept-encoding': 'br' } })).headers()['content-encoding'], { timeout: 60_000 })
      .toBe('br');
  }

  // Flags too (a board shows one per country), from their compressed copies.
  await expect
    .poll(async () => (await phone.request.get('/flags/SE.svg', { headers: { 'accept-encoding': 'br' } })).headers()['content-encoding'], { timeout: 60_000 })
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

test('a board loads the spectators\' build, and a link from it loads the next page whole with the full build', async ({ page, browser }) => {
  await signIn(page, 'admin', ADMIN_PASSWORD);
  await createEvent(page, uniqueName('Bundles '), 'SE', ['Main']);
  const eventPage = new URL(page.url()).pathname;
  const board = `${eventPage}/leaderboard`;
  const code = (html: string) => /href="([^"]+\.wasm)"/.exec(html)![1];
  expect(code(await (await page.request.get(eventPage)).text())).toMatch(/^\/pkg\/[0-9a-f]{16}\/drem\.wasm$/);

  // With the spectators' stylesheet: the board's rules, none of the staff pages'.
  const boardHtml = await (await page.request.get(board)).text();
  expect(/href="([^"]+\.css)"/.exec(boardHtml)![1]).toMatch(/^\/pkg\/[0-9a-f]{16}\/board\/drem\.css$/);

  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  const wasmLoaded: string[] = [];
  phone.on('request', r => { if (r.url().endsWith('.wasm')) wasmLoaded.push(new URL(r.url()).pathname); });
  await open(phone, board);
  await expect(phone.getByRole('status')).toHaveClass(/on/);
  expect(wasmLoaded.every(p => p.includes('/board/')), wasmLoaded.join(' ')).toBe(true);

  // The board's build has no sign-in page: following a link there loads it from the
  // server, with the full build, and it works (it hydrates and signs in). The board
  // hides the navigation bar, which stays in its document: the router takes a click on
  // any link, as it would on a link the board showed.
  wasmLoaded.length = 0;
  await phone.locator('nav a[href^="/sign-in"]').dispatchEvent('click');
  await expect(phone).toHaveURL(/\/sign-in/);
  await expect(phone.locator('body[data-hydrated="true"]')).toHaveCount(1);
  expect(wasmLoaded.some(p => /^\/pkg\/[0-9a-f]{16}\/drem\.wasm$/.test(p)), wasmLoaded.join(' ')).toBe(true);
  await phone.getByLabel('Username').fill('admin');
  await phone.getByLabel('Password').fill(ADMIN_PASSWORD);
  await phone.getByRole('button', { name: 'Sign in' }).click();
  // Signed in, the phone is back on the board it came from (the link's `next`), live.
  await expect(phone).toHaveURL(new RegExp(`${board}$`));
  await expect(phone.getByRole('status')).toHaveClass(/on/);
  await expect(phone.getByTitle('Signed in')).toHaveCount(1);
});
