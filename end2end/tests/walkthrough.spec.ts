import { test, expect, Page, Browser } from '@playwright/test';
import { ADMIN_PASSWORD, PASSWORD, createEvent, endAndSubmit, grantRole, mainNav, open, signIn, signUp, uniqueName } from './helpers';

/** Signs up `username` in a browser context of its own, closed again. */
async function newRacer(browser: Browser, username: string): Promise<void> {
  const context = await browser.newContext();
  await signUp(await context.newPage(), username);
  await context.close();
}

/** Runs one race on the race manager with `laps` laps (3.1 s apart: the event's
 *  shortest lap is 3 s), ends and submits it. The track is already chosen. */
async function runRace(page: Page, racer: string, laps: number): Promise<void> {
  await page.getByLabel('Find racer').fill(racer);
  await page.getByRole('button', { name: `Race: ${racer}` }).click();
  const status = page.getByRole('region', { name: 'Race' }).getByRole('status').first();
  await expect(status).toHaveText('Ready');
  await page.keyboard.press('Space');
  await expect(status).toHaveText('Running');
  for (let n = 1; n <= laps; n++) {
    await page.waitForTimeout(3_100);
    await page.keyboard.press('Enter');
    await expect(page.locator('table.laps tbody tr')).toHaveCount(n);
  }
  await page.keyboard.press('x');
  await page.keyboard.press('y');
  await expect(status).toHaveText('Race over');
  await page.keyboard.press('s');
  await expect(page.getByRole('region', { name: 'Next racer' })).toBeVisible();
}

test('the operator races the racer meant, impossible laps are refused, race admin follows every change', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const tag = uniqueName('walk');
  // Two walk-up racers: wim first, zoe later (the newer account).
  await newRacer(browser, `${tag}_wim`);
  await newRacer(browser, `${tag}_zoe`);
  const eventName = uniqueName('Walkthrough ');
  await createEvent(page, eventName, 'GB', ['Main'], '3 s');
  const eventId = new URL(page.url()).pathname.split('/')[2];

  await open(page, '/race');
  await page.getByLabel('Event and track').selectOption({ label: `${eventName} · Main` });
  // The search box has the keyboard at once: no click before typing.
  await expect(page.getByLabel('Find racer')).toBeFocused();
  await page.keyboard.type(tag);
  // The best match, named: both start with the search, so alphabetical, not newest.
  const hint = page.locator('#racer-search-hint');
  await expect(hint).toContainText(`Enter races ${tag}_wim`);
  await page.keyboard.press('ArrowDown');
  await expect(hint).toContainText(`Enter races ${tag}_zoe`);
  await page.keyboard.press('ArrowUp');
  await expect(hint).toContainText(`Enter races ${tag}_wim`);
  await page.keyboard.press('Enter');
  const race = page.getByRole('region', { name: 'Race' });
  await expect(race).toContainText(`${tag}_wim`);
  const status = race.getByRole('status').first();
  await expect(status).toHaveText('Ready');
  // One name for taking the last lap back, on the button and in the key list.
  await page.keyboard.press('Space');
  await expect(status).toHaveText('Running');
  await expect(race.getByRole('button', { name: /^Undo lap/ })).toBeVisible();
  await expect(page.getByLabel('Keyboard shortcuts')).toContainText('undo lap');
  // Enter twice within the shortest lap: the second press is refused, with the reason.
  await page.waitForTimeout(3_100);
  await page.keyboard.press('Enter');
  await expect(page.locator('table.laps tbody tr')).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('Lap key ignored');
  await expect(page.locator('table.laps tbody tr')).toHaveCount(1);
  await page.keyboard.press('x');
  await page.keyboard.press('y');
  await expect(status).toHaveText('Race over');
  await page.keyboard.press('s');
  await expect(page.getByRole('region', { name: 'Next racer' })).toBeVisible();
  await runRace(page, `${tag}_zoe`, 1);

  // Race admin, with another tab racing meanwhile.
  const admin = await page.context().newPage();
  await open(admin, `/race-admin?event=${eventId}`);
  const races = admin.getByRole('region', { name: 'Races' });
  const wimRace = races.getByRole('article', { name: new RegExp(`Race of ${tag}_wim`) });
  const zoeRace = races.getByRole('article', { name: new RegExp(`Race of ${tag}_zoe`) });
  await expect(wimRace).toBeVisible();
  await expect(zoeRace).toBeVisible();
  await expect(admin.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  // A corrected time under the shortest lap asks first; refused, nothing changes.
  const wimLap = wimRace.getByLabel('Lap 1 time in ms');
  const recorded = await wimLap.inputValue();
  admin.once('dialog', dialog => {
    expect(dialog.message()).toContain('shorter than');
    dialog.dismiss();
  });
  await wimLap.fill('1000');
  await wimLap.press('Tab');
  await expect(wimLap).toHaveValue(recorded);
  // A lap edit, then deleting the other race: both show at once.
  await wimLap.fill('9000');
  await wimLap.press('Tab');
  await expect(wimRace).toContainText('9.000');
  await zoeRace.getByLabel('Reason for a correction').fill('Ran on the wrong track');
  admin.once('dialog', dialog => dialog.accept());
  await zoeRace.getByRole('button', { name: 'Delete race' }).click();
  await expect(zoeRace).toHaveCount(0);
  await expect(admin.getByRole('table', { name: 'Standings Main' })).not.toContainText(`${tag}_zoe`);
  // Someone else's race (the race manager in the other tab) appears without a reload.
  await page.bringToFront();
  await runRace(page, `${tag}_zoe`, 1);
  await expect(zoeRace).toBeVisible();
  await expect(admin.getByRole('table', { name: 'Standings Main' })).toContainText(`${tag}_zoe`);
});

test('public pages: language, unknown events, the overlay between races, readable boards, links to hand on', async ({ page, browser }) => {
  test.setTimeout(90_000);
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Public ');
  await createEvent(page, eventName, 'SE', ['Hall A', 'Hall B']);
  const eventPath = new URL(page.url()).pathname;
  const origin = new URL(page.url()).origin;

  // The event page hands on full addresses: landing page, boards, OBS overlays.
  const links = page.locator('details.public-links');
  await expect(links.getByRole('textbox', { name: 'OBS overlay, Hall A' })).toHaveValue(new RegExp(`^${origin}${eventPath}/overlay\\?track=`));
  await expect(links.getByRole('textbox', { name: 'Landing page (phones, the QR code)' })).toHaveValue(`${origin}${eventPath}/landing`);
  await links.getByRole('button', { name: 'Copy OBS overlay, Hall B' }).click();
  await expect(links.getByRole('button', { name: 'Copy OBS overlay, Hall B' })).toHaveText('Copied');

  // A racer with a time and one without: the overlay lists only the one with a time.
  await open(page, '/race');
  await page.getByLabel('Event and track').selectOption({ label: `${eventName} · Hall A` });
  await page.getByLabel('Find racer').fill('admin');
  await page.getByRole('button', { name: 'Race: admin' }).click();
  const status = page.getByRole('region', { name: 'Race' }).getByRole('status').first();
  await expect(status).toHaveText('Ready');
  await page.keyboard.press('Space');
  await expect(status).toHaveText('Running');
  await page.keyboard.press('Enter');
  await expect(page.locator('table.laps tbody tr')).toHaveCount(1);
  await endAndSubmit(page, status);
  const slow = uniqueName('notime');
  await newRacer(browser, slow);
  await page.getByLabel('Find racer').fill(slow);
  await page.getByRole('button', { name: `Race: ${slow}` }).click();
  await expect(status).toHaveText('Ready');
  await page.keyboard.press('Space');
  await expect(status).toHaveText('Running');
  await endAndSubmit(page, status);

  const spectator = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const board = await spectator.newPage();
  await open(board, `${eventPath}/leaderboard?qr=footer`);
  await expect(board.getByRole('table', { name: 'Leaderboard' })).toContainText(slow);
  // Column headers read from the back of the hall: close to the rows' own size.
  const [th, td] = await board.evaluate(() => [
    parseFloat(getComputedStyle(document.querySelector('table.board th')!).fontSize),
    parseFloat(getComputedStyle(document.querySelector('table.board td')!).fontSize),
  ]);
  expect(th).toBeGreaterThanOrEqual(20);
  expect(th / td).toBeGreaterThanOrEqual(0.6);
  await expect(board.locator('.board-foot')).toContainText('Follow live on your phone');

  const overlay = await spectator.newPage();
  await open(overlay, `${eventPath}/overlay?chroma=1`);
  const top = overlay.getByRole('region', { name: 'Top four' });
  await expect(top).toContainText('admin');
  await expect(top.locator('li')).toHaveCount(1);
  await expect(top).not.toContainText(slow);
  // With a chroma key, the panels are opaque: the key colour never bleeds into them.
  await expect.poll(() => top.evaluate(el => getComputedStyle(el).backgroundColor)).toBe('rgb(16, 18, 24)');

  // The page's language is the document's, on the server and after hydration.
  const german = await board.request.get(`${eventPath}/leaderboard?lang=de`);
  expect(await german.text()).toMatch(/<html[^>]* lang="de"/);
  await open(board, `${eventPath}/landing?lang=ja`);
  expect(await board.evaluate(() => document.documentElement.lang)).toBe('ja');
  await open(board, '/');
  expect(await board.evaluate(() => document.documentElement.lang)).toBe('en');

  // An unknown event is a 404 with a page that says so.
  for (const kind of ['leaderboard', 'landing', 'overlay']) {
    const missing = await board.request.get(`/events/no-such-event/${kind}`);
    expect(missing.status(), kind).toBe(404);
  }
  const noTrack = await board.request.get(`${eventPath}/leaderboard?track=no-such-track`);
  expect(noTrack.status(), 'unknown track').toBe(404);
  await open(board, '/events/no-such-event/leaderboard');
  await expect(board.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await spectator.close();
});

test('a staff page sends a signed-out visitor to sign in and back; granted roles show without a reload', async ({ page, browser }) => {
  const name = uniqueName('late');
  await signUp(page, name);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(mainNav(page).getByRole('link', { name: 'Sign in' })).toBeVisible();
  await open(page, '/models');
  await page.getByRole('alert').getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fmodels|\/sign-in\?next=\/models/);
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/models$/);
  await expect(page.getByRole('heading', { name: 'My models' })).toBeVisible();

  // An admin grants Operator while the racer's tab is open: their next page shows it.
  await expect(mainNav(page).getByRole('link', { name: 'Race manager' })).toHaveCount(0);
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, 'admin', ADMIN_PASSWORD);
  await grantRole(admin, name, 'Operator');
  await adminContext.close();
  await mainNav(page).getByRole('link', { name: 'Profile' }).click();
  await expect(mainNav(page).getByRole('link', { name: 'Race manager' })).toBeVisible();
});
