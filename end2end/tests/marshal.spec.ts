import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, createEvent, endAndSubmit, open, signIn, startRace, uniqueName } from './helpers';

test('race admin adds a missed lap and splits a lap counted for two; a bad split is refused', async ({ page }) => {
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Marshal ');
  await createEvent(page, eventName, 'SE', ['Main']);
  const eventId = new URL(page.url()).pathname.split('/')[2];
  const status = await startRace(page, eventName, 'Main', 'admin');
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await expect(page.locator('table.laps tbody tr')).toHaveCount(1);
  await endAndSubmit(page, status);

  await open(page, `/race-admin?event=${eventId}`);
  const race = page.getByRole('region', { name: 'Races' }).getByRole('article');
  const laps = race.locator('table.laps tbody tr');
  await expect(laps).toHaveCount(1);
  const standing = page.getByRole('table', { name: 'Standings Main' }).getByRole('row').nth(1);

  // The timer missed a 12 s lap after the first: added as lap 2. (Race admin loads its
  // races again when its stream connects, which empties a form typed into before: the
  // empty form then refuses to send, and the test types again.)
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  await expect(async () => {
    await race.getByLabel('Missed lap (ms)').fill('12000');
    await race.getByRole('button', { name: 'Add lap' }).click();
    await expect(laps).toHaveCount(2, { timeout: 3_000 });
  }).toPass({ timeout: 20_000 });
  await expect(race.getByLabel('Lap 2 time in ms')).toHaveValue('12000');
  await expect(standing).toContainText('2/2');

  // Lap 2 was two laps: 5 s and 7 s.
  page.once('dialog', dialog => dialog.accept('5000'));
  await race.getByRole('button', { name: 'Split lap 2' }).click();
  await expect(laps).toHaveCount(3);
  await expect(race.getByLabel('Lap 2 time in ms')).toHaveValue('5000');
  await expect(race.getByLabel('Lap 3 time in ms')).toHaveValue('7000');
  await expect(standing).toContainText('3/3');

  // A first part longer than the lap: refused, said why, nothing changed.
  page.once('dialog', dialog => dialog.accept('99999'));
  await race.getByRole('button', { name: 'Split lap 3' }).click();
  await expect(page.getByRole('alert')).toContainText('The first part of a split lap must be shorter than the lap.');
  await expect(laps).toHaveCount(3);
  await page.screenshot({ path: test.info().outputPath('marshal.png'), fullPage: true });
});
