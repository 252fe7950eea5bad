import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, createEvent, endAndSubmit, open, signIn, signUp, startRace, uniqueName } from './helpers';

test('a leaderboard whose stream is refused (a proxy while drem restarts) opens it again by itself', async ({ page, browser }) => {
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Reconnect ');
  await createEvent(page, eventName, 'SE', ['Main']);
  const eventPath = new URL(page.url()).pathname;

  const spectator = await browser.newContext();
  const board = await spectator.newPage();
  // An HTTP error makes the browser give up on an event stream for good.
  let refused = 0;
  await board.route('**/live/events/**', route => {
    refused += 1;
    return route.fulfill({ status: 502, contentType: 'text/plain', body: 'Bad gateway' });
  });
  await open(board, `${eventPath}/leaderboard`);
  const live = board.getByRole('status');
  await expect.poll(() => refused, { message: 'the page tries again' }).toBeGreaterThanOrEqual(2);
  await expect(live).not.toHaveText('Live');
  await board.unroute('**/live/events/**');
  await expect(live).toHaveText('Live', { timeout: 15_000 });

  // And it follows the races again.
  const status = await startRace(page, eventName, 'Main', 'admin');
  await expect(board.getByLabel('On track')).toContainText('admin');
  await endAndSubmit(page, status);
  await expect(board.getByRole('table', { name: 'Leaderboard' })).toContainText('admin');
  await spectator.close();
});

test('the race manager shows a track renamed on the event page in another tab', async ({ page }) => {
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Rename ');
  await createEvent(page, eventName, 'SE', ['Hall A']);
  const eventUrl = page.url();
  await open(page, '/race');
  await page.getByLabel('Event and track').selectOption({ label: `${eventName} · Hall A` });
  await expect(page.getByRole('heading', { name: 'Hall A' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();

  const editor = await page.context().newPage();
  await open(editor, eventUrl);
  const form = editor.getByRole('form', { name: 'Track 1' });
  await form.getByLabel('Leaderboard title').fill('Hall B');
  await form.getByRole('button', { name: 'Save track' }).click();
  await expect(page.getByRole('heading', { name: 'Hall B' })).toBeVisible();
  await editor.close();
});

test('a board follows a submission and a lap edit by pushed boards and deltas, never loading the board again', async ({ page, browser }) => {
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const rival = uniqueName('rival').toLowerCase().replace(/[^a-z0-9]/g, '');
  const signingUp = await browser.newContext();
  await signUp(await signingUp.newPage(), rival);
  await signingUp.close();
  const eventName = uniqueName('Pushed ');
  await createEvent(page, eventName, 'SE', ['Main']);
  const eventPath = new URL(page.url()).pathname;
  const eventId = eventPath.split('/')[2];

  const spectator = await browser.newContext();
  const board = await spectator.newPage();
  // The kinds of the stream's messages, as the browser received them.
  const kinds: string[] = [];
  const cdp = await spectator.newCDPSession(board);
  await cdp.send('Network.enable');
  cdp.on('Network.eventSourceMessageReceived', e => kinds.push(JSON.parse(e.data).kind));
  await open(board, `${eventPath}/leaderboard`);
  await expect(board.getByRole('status')).toHaveText('Live');
  const loads: string[] = [];
  board.on('request', r => { if (r.url().includes('/api/get_leaderboard')) loads.push(r.url()); });

  // The rival's race, slow; then the admin's, quick: the second board comes as a delta.
  let status = await startRace(page, eventName, 'Main', rival);
  await page.waitForTimeout(1_500);
  await page.keyboard.press('Enter');
  await expect(page.locator('table.laps tbody tr')).toHaveCount(1);
  await endAndSubmit(page, status);
  const table = board.getByRole('table', { name: 'Leaderboard' });
  await expect(table).toContainText(rival);
  status = await startRace(page, eventName, 'Main', 'admin');
  await page.keyboard.press('Enter');
  await expect(page.locator('table.laps tbody tr')).toHaveCount(1);
  await endAndSubmit(page, status);
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('admin');
  await expect(rows.nth(1)).toContainText(rival);
  expect(kinds, 'the change came as a delta of the board held').toContain('board_delta');

  // A lap corrected in race admin: the board shows the new time and order.
  await open(page, `/race-admin?event=${eventId}`);
  const races = page.getByRole('region', { name: 'Races' });
  await expect(races.getByLabel('Lap 1 time in ms')).toHaveCount(2);
  const lap = races.getByRole('article', { name: /^Race of admin at/ }).getByLabel('Lap 1 time in ms');
  // The page loads its races again when its stream (re)connects, which can replace an
  // input being typed in: edit once the stream is up, and again if the edit was lost.
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  await expect(async () => {
    await lap.fill('9876');
    await lap.press('Tab');
    await expect(rows.nth(1)).toContainText('9.876', { timeout: 3_000 });
  }).toPass({ timeout: 15_000 });
  await expect(rows.first()).toContainText(rival);
  expect(loads, 'boards came pushed, never loaded again').toEqual([]);
  await spectator.close();
});
