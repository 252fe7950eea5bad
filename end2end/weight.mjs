// What a spectator's phone downloads: bytes on the wire (headers and compressed bodies,
// as Chromium's network stack counts them) for a first and a repeat load of a public
// page, until the page is hydrated and its live board is up.
//
//   node end2end/weight.mjs http://127.0.0.1:3000/events/EVENT/leaderboard [more URLs…]
//
// Prints one line per page and load, and each response of the first load.
import { chromium } from 'playwright-core';

const urls = process.argv.slice(2);
if (urls.length === 0) {
  console.error('usage: node end2end/weight.mjs URL [URL…]');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

/** Loads `url` in `page` and returns the bytes of every response, by URL. */
async function load(page, url) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const names = new Map();
  const sizes = new Map();
  cdp.on('Network.requestWillBeSent', e => names.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', e => sizes.set(e.requestId, e.encodedDataLength));
  await page.goto(url);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  // The live stream's first message, then a moment for late requests.
  await page.waitForTimeout(1500);
  await cdp.detach();
  return [...sizes].map(([id, bytes]) => [names.get(id) ?? id, bytes]);
}

for (const url of urls) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const first = await load(page, url);
  const repeat = await load(page, url);
  const total = list => list.reduce((sum, [, bytes]) => sum + bytes, 0);
  console.log(`${url}\n  first load:  ${total(first)} bytes in ${first.length} responses`);
  for (const [name, bytes] of first.sort((a, b) => b[1] - a[1])) {
    console.log(`    ${String(bytes).padStart(9)}  ${new URL(name).pathname}`);
  }
  console.log(`  repeat load: ${total(repeat)} bytes in ${repeat.length} responses`);
  await context.close();
}
await browser.close();
