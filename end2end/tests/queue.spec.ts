import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, createEvent, endAndSubmit, mainNav, open, signIn, signUp, startRace, uniqueName } from './helpers';

test('the desk checks a racer in and queues them, the race manager races the next in one key, and next up shows live on the board, the overlay and the landing page', async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Queue ');
  await createEvent(admin, eventName, 'SE', ['Main']);
  const eventId = new URL(admin.url()).pathname.split('/')[2];
  const [anna, bo] = [uniqueName('anna'), uniqueName('bo')];
  for (const racer of [anna, bo]) {
    const page = await (await browser.newContext()).newPage();
    await signUp(page, racer);
    await page.context().close();
  }

  // The hall's screen and the stream, open before anyone is queued.
  const board = await (await browser.newContext()).newPage();
  await open(board, `/events/${eventId}/leaderboard`);
  const overlay = await (await browser.newContext()).newPage();
  await open(overlay, `/events/${eventId}/overlay`);
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 800 } })).newPage();
  await open(phone, `/events/${eventId}/landing`);
  await expect(board.getByTestId('next-up')).toHaveCount(0);
  await expect(phone.getByTestId('next-up')).toHaveCount(0);

  // The desk: Anna checks in and joins the queue; Bo has not checked in.
  await open(admin, `/check-in?event=${eventId}`);
  await admin.getByLabel('Find racer').fill(anna);
  await admin.getByLabel(`Checked in for ${anna}`).check();
  await admin.getByRole('button', { name: `Queue on Main: ${anna}` }).click();
  await expect(admin.getByText('Waiting on Main')).toBeVisible();
  await admin.getByLabel('Find racer').fill(bo);
  await admin.getByRole('button', { name: `Queue on Main: ${bo}` }).click();
  await expect(admin.getByRole('alert')).toContainText('has not done: Checked in');

  // Public pages hear it at once.
  await expect(board.getByTestId('next-up')).toContainText(anna);
  await expect(overlay.getByTestId('next-up')).toContainText(anna);
  await expect(phone.getByTestId('next-up')).toContainText(anna);

  // The race manager: the queue beside the search, and Enter in the empty search
  // races its first.
  await open(admin, '/race');
  await admin.getByLabel('Event and track').selectOption({ label: `${eventName} · Main` });
  await expect(admin.getByRole('region', { name: 'Queue' })).toContainText(anna);
  await expect(admin.getByText(`Enter races ${anna}, next in the queue`)).toBeVisible();
  await admin.getByLabel('Find racer').press('Enter');
  const race = admin.getByRole('region', { name: 'Race' });
  await expect(race.getByRole('status')).toHaveText('Ready');
  await expect(race).toContainText(anna);
  await expect(admin.getByRole('region', { name: 'Queue' })).toContainText('Nobody is waiting');
  await expect(board.getByTestId('next-up')).toHaveCount(0);
  await expect(phone.getByTestId('next-up')).toHaveCount(0);
  await expect(board.locator('.on-track')).toContainText(anna);
});

test('the overlay shows a lower third for every track racing, each named by its track', async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Two halls ');
  await createEvent(admin, eventName, 'SE', ['Hall A', 'Hall B']);
  const eventId = new URL(admin.url()).pathname.split('/')[2];
  const racer = uniqueName('ola');
  const racerPage = await (await browser.newContext()).newPage();
  await signUp(racerPage, racer);
  await racerPage.context().close();
  const overlay = await (await browser.newContext()).newPage();
  await open(overlay, `/events/${eventId}/overlay`);

  await startRace(admin, eventName, 'Hall A', 'admin');
  const thirds = overlay.getByRole('region', { name: 'Racer on track' });
  await expect(thirds).toHaveCount(1);
  await expect(thirds.first()).not.toContainText('Hall A');
  const second = await admin.context().newPage();
  await startRace(second, eventName, 'Hall B', racer);
  await expect(thirds).toHaveCount(2);
  await expect(thirds.filter({ hasText: 'Hall A' })).toContainText('admin');
  await expect(thirds.filter({ hasText: 'Hall B' })).toContainText(racer);
});

test('a racer follows their race day on their phone: place in line, when they race, on track, position and laps, live', async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Phone day ');
  await createEvent(admin, eventName, 'SE', ['Main']);
  const eventId = new URL(admin.url()).pathname.split('/')[2];
  const [anna, bo] = [uniqueName('anna'), uniqueName('bo')];
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 800 } })).newPage();
  await signUp(phone, anna);
  const other = await (await browser.newContext()).newPage();
  await signUp(other, bo);
  await other.context().close();

  // The desk queues Bo, then Anna.
  await open(admin, `/check-in?event=${eventId}`);
  for (const racer of [bo, anna]) {
    await admin.getByLabel('Find racer').fill(racer);
    await admin.getByLabel(`Checked in for ${racer}`).check();
    await admin.getByRole('button', { name: `Queue on Main: ${racer}` }).click();
    await expect(admin.getByText('Waiting on Main')).toBeVisible();
  }

  // Anna's phone: second in line, with about when.
  await mainNav(phone).getByRole('link', { name: 'My race day' }).click();
  await expect(phone.getByRole('heading', { name: 'My race day' })).toBeVisible();
  const place = phone.getByRole('region', { name: 'My place in the queue' });
  await expect(place).toContainText('2 of 2 in line on Main');
  await expect(place).toContainText('Your turn in about');
  const position = phone.getByTestId('my-position');
  await expect(position).toHaveText('No result yet.');

  // Bo races (Enter in the empty search): Anna is next, live.
  await open(admin, '/race');
  await admin.getByLabel('Event and track').selectOption({ label: `${eventName} · Main` });
  await expect(admin.getByText(`Enter races ${bo}, next in the queue`)).toBeVisible();
  await admin.getByLabel('Find racer').press('Enter');
  const status = admin.getByRole('region', { name: 'Race' }).getByRole('status');
  await expect(status).toHaveText('Ready');
  await expect(place).toContainText('1 of 1 in line on Main');
  await expect(place).toContainText('You are next, after the race on track now.');
  await admin.keyboard.press('Space');
  await expect(status).toHaveText('Running');
  await endAndSubmit(admin, status);
  await expect(place).toContainText('You are next: go to the track now.');

  // Anna's turn: on track, out of the queue; a lap, submitted: her position and laps.
  await expect(admin.getByText(`Enter races ${anna}, next in the queue`)).toBeVisible();
  await admin.getByLabel('Find racer').press('Enter');
  await expect(status).toHaveText('Ready');
  await expect(phone.getByRole('status').filter({ hasText: 'You are on track now on Main.' })).toBeVisible();
  await expect(place).toContainText('You are not in a queue now.');
  await admin.keyboard.press('Space');
  await expect(status).toHaveText('Running');
  await admin.keyboard.press('Enter');
  await expect(admin.locator('table.laps tbody tr')).toHaveCount(1);
  await endAndSubmit(admin, status);
  await expect(position).toContainText('Position 1 of 1');
  await expect(phone.getByRole('status').filter({ hasText: 'You are on track now' })).toHaveCount(0);
  const races = phone.getByRole('region', { name: 'My races' });
  await expect(races.locator('table.laps tbody tr')).toHaveCount(1);
  await phone.screenshot({ path: test.info().outputPath('my-day-390.png'), fullPage: true });
});
