import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, createEvent, endAndSubmit, open, signIn, startRace, uniqueName } from './helpers';

test('public pages speak the language of their lang option, German here', async ({ page, browser }) => {
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Rennabend ');
  await createEvent(page, eventName, 'DE', ['Halle 1', 'Halle 2']);
  const eventPath = new URL(page.url()).pathname;

  // Run one race on the first track so the board has a result.
  const status = await startRace(page, eventName, 'Halle 1', 'admin');
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await expect(page.locator('table.laps tbody tr')).toHaveCount(1);
  await endAndSubmit(page, status);

  const spectator = await browser.newContext({ locale: 'de-DE' });
  const board = await spectator.newPage();
  // Server-rendered in German, before any script runs...
  const html = await (await spectator.request.get(`${eventPath}/leaderboard?lang=de`)).text();
  expect(html).toContain('Alle Strecken');
  expect(html).toContain('Schnellste Runde');
  // ...and still German once the page is live.
  await open(board, `${eventPath}/leaderboard?lang=de`);
  await expect(board.locator('html[lang="de"]')).toHaveCount(1);
  await expect(board.getByRole('status')).toHaveText('Live');
  const table = board.getByRole('table', { name: 'Bestenliste' });
  await expect(table.getByRole('columnheader')).toHaveText(['#', 'Fahrer', 'Zeit', 'Abstand']);
  await expect(table).toContainText('admin');
  await expect(board.locator('.board-sub')).toHaveText('Alle Strecken · Schnellste Runde');
  await expect(board.locator('img.flag').first()).toHaveAttribute('src', /\/flags\/[A-Z]{2}\.svg$/);
  // The admin's country (United States) named in German for screen readers.
  await expect(board.locator('img.flag').first()).toHaveAttribute('alt', 'Vereinigte Staaten');

  await open(board, `${eventPath}/landing?lang=de`);
  await expect(board.getByRole('heading', { name: 'Das Rennen live verfolgen' })).toBeVisible();
  await expect(board.getByRole('link', { name: 'Alle Strecken' })).toHaveAttribute('href', /lang=de$/);
  await expect(board.getByLabel('QR-Code dieser Seite')).toBeVisible();
  // The navigation and the country speak German too.
  await expect(board.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Anmelden' })).toBeVisible();
  await expect(board.locator('.landing .lead')).toContainText('Deutschland');

  // Without the option, English.
  await open(board, `${eventPath}/leaderboard`);
  await expect(board.getByRole('table', { name: 'Leaderboard' }).getByRole('columnheader')).toHaveText(['#', 'Racer', 'Time', 'Gap']);
  await spectator.close();
});

test('boards open in German and Japanese hydrate and follow a race as it is run and submitted', async ({ page, browser }) => {
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Sprachen ');
  await createEvent(page, eventName, 'JP', ['Main']);
  const eventPath = new URL(page.url()).pathname;

  const spectator = await browser.newContext();
  const languages = [
    { lang: 'de', board: 'Bestenliste', racer: 'Fahrer', live: 'Live', onTrack: 'Auf der Strecke' },
    { lang: 'ja', board: 'リーダーボード', racer: 'レーサー', live: 'ライブ', onTrack: '走行中' },
  ];
  const boards = [];
  const loads: string[] = [];
  for (const l of languages) {
    const board = await spectator.newPage();
    await open(board, `${eventPath}/leaderboard?lang=${l.lang}`);
    await expect(board.locator(`html[lang="${l.lang}"]`)).toHaveCount(1);
    // Live only once hydrated and connected.
    await expect(board.getByRole('status')).toHaveText(l.live);
    board.on('request', r => { if (r.url().includes('/api/get_leaderboard')) loads.push(r.url()); });
    boards.push({ page: board, ...l });
  }

  const status = await startRace(page, eventName, 'Main', 'admin');
  for (const b of boards) {
    await expect(b.page.getByLabel(b.onTrack)).toContainText('admin');
  }
  await page.keyboard.press('Enter');
  await expect(page.locator('table.laps tbody tr')).toHaveCount(1);
  await endAndSubmit(page, status);
  for (const b of boards) {
    const table = b.page.getByRole('table', { name: b.board });
    await expect(table).toContainText('admin');
    await expect(table.getByRole('columnheader').nth(1)).toHaveText(b.racer);
    await expect(b.page.getByLabel(b.onTrack)).toHaveCount(0);
  }
  expect(loads, 'the boards came pushed').toEqual([]);
  await spectator.close();
});
