import { test, expect, Page } from '@playwright/test';
import { ADMIN_PASSWORD, createEvent, grantRole, open, signIn, signUp, uniqueName } from './helpers';
import { decodeQr } from './qr';

/** When the race ends, as `p` shows it: now plus the time left it displays (m:ss.mmm). */
async function endAsShown(p: Page): Promise<number> {
  return p.getByTestId('time-left').first().evaluate(el => {
    const parts = (el.textContent ?? '').trim().split(':').map(Number);
    const seconds = parts.length === 2 ? parts[0] * 60 + parts[1] : parts[0];
    if (!Number.isFinite(seconds)) throw new Error(`not a time: ${el.textContent}`);
    return Date.now() + seconds * 1000;
  });
}

test('an operator sets up an event with two tracks and runs a race with the keyboard', async ({ page, browser }) => {
  const operator = uniqueName('timer');
  await signUp(page, operator);
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, 'admin', ADMIN_PASSWORD);
  await grantRole(admin, operator, 'Operator');
  await adminContext.close();
  const eventName = uniqueName('Night race ');
  await createEvent(page, eventName, 'GB', ['Track A', 'Track B']);
  // A spectator's screen: the public leaderboard, no sign-in.
  const spectator = await browser.newContext();
  const board = await spectator.newPage();
  const eventPath = new URL(page.url()).pathname;
  await open(board, `${eventPath}/leaderboard?qr=header`);
  await expect(board.getByLabel('QR code of the event page')).toBeVisible();
  // What a phone reads from the screen: the landing page's address.
  // (Polled: the board re-renders once its live stream connects.)
  const landingUrl = new URL(`${eventPath}/landing`, board.url()).href;
  await expect.poll(() => decodeQr(board.getByLabel('QR code of the event page')).catch(() => null)).toBe(landingUrl);
  // A streamer's OBS source: transparent, 1920x1080.
  const overlay = await spectator.newPage({ viewport: { width: 1920, height: 1080 } });
  await open(overlay, `${eventPath}/overlay`);
  const background = await overlay.evaluate(() => [
    getComputedStyle(document.documentElement).backgroundColor,
    getComputedStyle(document.body).backgroundColor,
    getComputedStyle(document.querySelector('.overlay')!).backgroundColor,
  ]);
  expect(background).toEqual(['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)']);
  await expect(board.getByText('No results yet')).toBeVisible();
  await expect(board.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();

  await open(page, '/race');
  await page.getByLabel('Event and track').selectOption({ label: `${eventName} · Track B` });
  await expect(page.getByRole('heading', { name: 'Track B' })).toBeVisible();

  // Keyboard only from here: find the racer (the operator races too), pick, run the race.
  await page.getByLabel('Find racer').focus();
  await page.keyboard.type(operator);
  await expect(page.getByRole('button', { name: /^Race: / })).toHaveCount(1);
  await expect(page.getByRole('button', { name: `Race: ${operator}` })).toBeVisible();
  await expect(page.getByText('0 runs')).toBeVisible();
  await page.keyboard.press('Enter');
  page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') console.log('race page console:', m.text().slice(0, 400)); });
  page.on('pageerror', e => console.log('race page error:', e.message.slice(0, 400)));
  const status = page.getByRole('region', { name: 'Race' }).getByRole('status');
  await expect(status).toHaveText('Ready');
  await page.keyboard.press('Space');
  await expect(status).toHaveText('Running');
  // A second tab on the same track follows the race live, without reloading.
  const second = await page.context().newPage();
  await open(second, page.url());
  await expect(second.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  const secondLaps = second.locator('table.laps tbody tr');
  await expect(secondLaps).toHaveCount(0);
  await page.bringToFront();
  await page.waitForTimeout(600);
  await page.keyboard.press('Enter');
  const laps = page.locator('table.laps tbody tr');
  await expect(laps).toHaveCount(1);
  await expect(secondLaps).toHaveCount(1);
  await second.close();
  await page.keyboard.press('r');
  await page.waitForTimeout(400);
  await page.keyboard.press('Enter');
  await expect(laps).toHaveCount(2);

  // A refresh mid-race loses nothing. (A slow venue network: the app's code arrives a
  // second after the page, so a clock started from the page as rendered runs late.)
  await page.route('**/pkg/**/*.wasm', async route => {
    await new Promise(resolve => setTimeout(resolve, 1000));
    await route.continue();
  });
  await page.reload();
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  await page.unroute('**/pkg/**/*.wasm');
  await expect(status).toHaveText('Running');
  await expect(laps).toHaveCount(2);
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  // Every page ticks the race clock itself, from the server's stamps: the race's end
  // as each shows it agrees within a display tick (board and overlay 100 ms, race
  // manager 47 ms), sampled over two seconds.
  for (let i = 0; i < 5; i++) {
    const [manager, onBoard, onOverlay] = [await endAsShown(page), await endAsShown(board), await endAsShown(overlay)];
    expect(Math.abs(manager - onBoard), 'board clock').toBeLessThanOrEqual(147);
    expect(Math.abs(manager - onOverlay), 'overlay clock').toBeLessThanOrEqual(147);
    await page.waitForTimeout(400);
  }
  await page.keyboard.press('Enter');
  await expect(laps).toHaveCount(3);
  // V marks the last lap invalid and valid again, from the keyboard.
  await page.keyboard.press('v');
  await expect(page.getByRole('button', { name: 'Lap 3 valid' })).toHaveText('Invalid');
  await page.keyboard.press('v');
  await expect(page.getByRole('button', { name: 'Lap 3 valid' })).toHaveText('Valid');
  // Ranked by best average instead, the overlay colours the average like a lap: the
  // event's first three-lap average is its best (purple).
  const averages = await spectator.newPage({ viewport: { width: 1920, height: 1080 } });
  await averages.goto(`${eventPath}/overlay?format=average`);
  const lowerThird = averages.getByRole('region', { name: 'Racer on track' });
  const average = lowerThird.locator('.lt-item', { hasText: 'Best average' }).locator('b');
  await expect(average).toHaveText(/^\d+\.\d{3}$/);
  await expect(average).toHaveClass('lap-event-best');
  await averages.close();

  await page.keyboard.press('x');
  await expect(page.getByRole('alert').filter({ hasText: 'End the race?' })).toBeVisible();
  await page.keyboard.press('y');
  await expect(status).toHaveText('Race over');
  await expect(board.getByLabel('On track')).toContainText(operator);
  await expect(overlay.getByRole('region', { name: 'Racer on track' })).toContainText(operator);
  await overlay.screenshot({ path: test.info().outputPath('overlay-1920x1080.png') });
  await page.keyboard.press('s');
  await expect(page.getByRole('region', { name: 'Next racer' })).toBeVisible();
  // The spectator's board shows the result without a reload.
  await expect(board.getByRole('table', { name: 'Leaderboard' })).toContainText(operator);
  await expect(board.locator('table.board tr.fresh'), 'the new result is highlighted').toContainText(operator);
  await expect(board.getByLabel('On track')).toHaveCount(0);
  await expect(overlay.getByRole('region', { name: 'Top four' })).toContainText(operator);
  // Loaded afresh between races, the overlay still highlights who finished last.
  await open(overlay, overlay.url());
  await expect(overlay.locator('.overlay-top li.newest')).toContainText(operator);
  // The QR code's target: the landing page with the live leaderboards.
  await open(board, `${eventPath}/landing`);
  await expect(board.getByRole('heading', { name: eventName })).toBeVisible();
  await expect(board.getByRole('link', { name: 'Track B' })).toBeVisible();
  await expect(board.getByLabel('QR code of this page').locator('svg')).toBeVisible();
  await spectator.close();
  await page.getByLabel('Find racer').fill(operator);
  await expect(page.getByText('1 run', { exact: true })).toBeVisible();
});

test('race admin shows the ranking, re-ranks after a lap edit and exports the laps', async ({ page }) => {
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Admin race ');
  await createEvent(page, eventName, 'DE', ['Only track']);

  await open(page, '/race');
  await page.getByLabel('Event and track').selectOption({ label: `${eventName} · Only track` });
  await page.getByLabel('Find racer').fill('admin');
  await expect(page.getByRole('button', { name: /^Race: / })).toHaveCount(1);
  await page.getByLabel('Find racer').press('Enter');
  page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') console.log('race page console:', m.text().slice(0, 400)); });
  page.on('pageerror', e => console.log('race page error:', e.message.slice(0, 400)));
  const status = page.getByRole('region', { name: 'Race' }).getByRole('status');
  await expect(status).toHaveText('Ready');
  // A choice in a select lets the focus go: the next key is the race's.
  const car = page.getByLabel('Car on track');
  await car.focus();
  await car.selectOption('');
  await expect(car).not.toBeFocused();
  await page.keyboard.press('Space');
  await expect(status).toHaveText('Running');
  for (const n of [1, 2]) {
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    await expect(page.locator('table.laps tbody tr')).toHaveCount(n);
  }
  await page.keyboard.press('x');
  await page.keyboard.press('y');
  await expect(status).toHaveText('Race over');
  await page.keyboard.press('s');
  await expect(page.getByRole('region', { name: 'Next racer' })).toBeVisible();

  // A second race, discarded by keys after the question: Q, then Y.
  await page.getByLabel('Find racer').fill('admin');
  await expect(page.getByText('1 run', { exact: true })).toBeVisible();
  // Enter waits for the list of this search (never a stale one): the hint says when.
  await expect(page.locator('#racer-search-hint')).toContainText('Enter races admin');
  await page.getByLabel('Find racer').press('Enter');
  await expect(status).toHaveText('Ready');
  await page.keyboard.press('q');
  await expect(page.getByRole('region', { name: 'Race' }).getByRole('alert')).toContainText('Discard this race?');
  await page.keyboard.press('y');
  await expect(page.getByRole('region', { name: 'Next racer' })).toBeVisible();

  await open(page, '/race-admin');
  await page.getByLabel('Event', { exact: true }).selectOption({ label: eventName });
  const standings = page.getByRole('table', { name: 'Standings Only track' });
  await expect(standings.getByRole('row').nth(1)).toContainText('admin');
  await expect(standings.getByRole('row').nth(1)).toContainText('2/2');
  const metrics = page.getByRole('region', { name: 'Races' }).getByLabel('Metrics');
  await expect(metrics).toContainText('Laps2');

  // Invalidate both laps: admin drops to "DNF" with no ranked result.
  const race = page.getByRole('region', { name: 'Races' }).getByRole('article');
  await race.getByRole('button', { name: 'Valid', exact: true }).first().click();
  await expect(race.getByRole('button', { name: 'Invalid', exact: true })).toHaveCount(1);
  await race.getByRole('button', { name: 'Valid', exact: true }).first().click();
  await expect(standings.getByRole('row').nth(1)).toContainText('DNF');
  await expect(standings.getByRole('row').nth(1)).toContainText('0/2');

  const href = await page.getByRole('link', { name: 'all laps (CSV)' }).getAttribute('href');
  const csv = await page.request.get(href!);
  expect(csv.status()).toBe(200);
  const lines = (await csv.text()).trim().split('\n');
  expect(lines[0]).toBe('race id,racer,track,car,by proxy,date,lap,time ms,time s,resets,valid,penalty ms,race penalty ms');
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain('admin');
});
