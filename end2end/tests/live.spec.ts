import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, createEvent, endAndSubmit, open, signIn, startRace, uniqueName } from './helpers';

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

test('a board follows a submission and a lap edit by pushed boards, never loading the board again', async ({ page, browser }) => {
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Pushed ');
  await createEvent(page, eventName, 'SE', ['Main']);
  const eventPath = new URL(page.url()).pathname;
  const eventId = eventPath.split('/')[2];

  const spectator = await browser.newContext();
  const board = await spectator.newPage();
  await open(board, `${eventPath}/leaderboard`);
  await expect(board.getByRole('status')).toHaveText('Live');
  const loads: string[] = [];
  board.on('request', r => { if (r.url().includes('/api/get_leaderboard')) loads.push(r.url()); });

  const status = await startRace(page, eventName, 'Main', 'admin');
  await page.keyboard.press('Enter');
  await expect(page.locator('table.laps tbody tr')).toHaveCount(1);
  await endAndSubmit(page, status);
  const table = board.getByRole('table', { name: 'Leaderboard' });
  await expect(table).toContainText('admin');

  // A lap corrected in race admin: the board shows the new time.
  await open(page, `/race-admin?event=${eventId}`);
  const lap = page.getByRole('region', { name: 'Races' }).getByLabel('Lap 1 time in ms');
  await lap.fill('9876');
  await lap.press('Tab');
  await expect(table).toContainText('9.876');
  expect(loads, 'boards came pushed, never loaded again').toEqual([]);
  await spectator.close();
});
