import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, createEvent, endAndSubmit, open, signIn, signUp, startRace, uniqueName } from './helpers';

/** Races `racer` on `track` for one lap of about `ms`, and submits. */
async function oneLap(page, eventName: string, track: string, racer: string, ms: number) {
  const status = await startRace(page, eventName, track, racer);
  await page.waitForTimeout(ms);
  await page.keyboard.press('Enter');
  await expect(page.locator('table.laps tbody tr')).toHaveCount(1);
  await endAndSubmit(page, status);
}

test('a final from qualifying to the podium: seeded in ranking order, queued, raced, crowned', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const [anna, bo, cy] = [uniqueName('anna'), uniqueName('bo'), uniqueName('cy')];
  for (const racer of [anna, bo, cy]) {
    const other = await (await browser.newContext()).newPage();
    await signUp(other, racer);
    await other.context().close();
  }
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Finals ');
  await createEvent(page, eventName, 'SE', ['Main']);
  const eventId = new URL(page.url()).pathname.split('/')[2];

  // Qualifying: anna fastest, bo second, cy third.
  await oneLap(page, eventName, 'Main', anna, 300);
  await oneLap(page, eventName, 'Main', bo, 700);
  await oneLap(page, eventName, 'Main', cy, 1100);

  // Race admin: a final of two, fastest lap.
  await open(page, `/race-admin?event=${eventId}`);
  const form = page.getByRole('form', { name: 'New final' });
  await form.getByLabel('Racers').selectOption('2');
  await form.locator('#final-rules-ranking').selectOption('best_lap');
  await form.getByRole('button', { name: 'Create final' }).click();
  const card = page.getByRole('article', { name: 'Final Final' });
  await expect(card.getByRole('list', { name: 'Seeds' }).getByRole('listitem')).toHaveText([anna, bo]);

  // The race manager: the final's queue holds the seeds in order; Enter races the first.
  await open(page, '/race');
  await page.getByLabel('Event and track').selectOption({ label: `${eventName} · Final` });
  await expect(page.getByRole('region', { name: 'Queue' })).toContainText(anna);
  await expect(page.locator('#racer-search-hint')).toContainText(`Enter races ${anna}`);
  await oneLap(page, eventName, 'Final', anna, 900);
  await oneLap(page, eventName, 'Final', bo, 300);

  // The podium: bo won the final; the qualifying board still has anna first.
  const podium = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  await open(podium, `/events/${eventId}/podium?track=${await finalTrackId(page, eventId)}`);
  const steps = podium.getByRole('list', { name: 'Podium' }).getByRole('listitem');
  await expect(steps).toHaveCount(2);
  await expect(steps.nth(0)).toContainText(bo);
  await expect(steps.nth(1)).toContainText(anna);
  await podium.screenshot({ path: test.info().outputPath('podium.png') });
  const board = await (await browser.newContext()).newPage();
  await open(board, `/events/${eventId}/leaderboard`);
  await expect(board.locator('table.board tbody tr').first()).toContainText(anna);
  await expect(board.locator('table.board tbody tr')).toHaveCount(3);
});

/** The final's track id, read from its link on race admin. */
async function finalTrackId(page, eventId: string): Promise<string> {
  await open(page, `/race-admin?event=${eventId}`);
  const href = await page.getByRole('article', { name: 'Final Final' }).getByRole('link', { name: 'Podium' }).getAttribute('href');
  return new URL(href!, 'http://x').searchParams.get('track')!;
}
