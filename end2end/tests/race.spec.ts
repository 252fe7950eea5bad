import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, open, signIn, uniqueName } from './helpers';

test('an operator sets up an event with two tracks and runs a race with the keyboard', async ({ page }) => {
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Night race ');
  await open(page, '/events/new');
  await page.getByLabel('Event name').fill(eventName);
  await page.getByLabel('Date').fill('2026-11-26');
  await page.getByLabel('Country').selectOption('GB');
  await page.getByRole('button', { name: 'Create event' }).click();
  await expect(page.getByRole('heading', { name: eventName })).toBeVisible();
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  for (const title of ['Track A', 'Track B']) {
    await page.getByRole('form', { name: 'New track' }).getByLabel('Leaderboard title').fill(title);
    await page.getByRole('button', { name: 'Add track' }).click();
    await expect(page.getByRole('form', { name: `Track ${title === 'Track A' ? 1 : 2}` })).toBeVisible();
  }

  await open(page, '/race');
  await page.getByLabel('Event and track').selectOption({ label: `${eventName} · Track B` });
  await expect(page.getByRole('heading', { name: 'Track B' })).toBeVisible();

  // Keyboard only from here: find the racer, pick them, run the race.
  await page.getByLabel('Find racer').focus();
  await page.keyboard.type('admin');
  await expect(page.getByRole('button', { name: /^Race: / })).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Race: admin' })).toBeVisible();
  await page.keyboard.press('Enter');
  const status = page.getByRole('region', { name: 'Race' }).getByRole('status');
  await expect(status).toHaveText('Ready');
  await page.keyboard.press('Space');
  await expect(status).toHaveText('Running');
  await page.waitForTimeout(600);
  await page.keyboard.press('Enter');
  const laps = page.locator('table.laps tbody tr');
  await expect(laps).toHaveCount(1);
  await page.keyboard.press('r');
  await page.waitForTimeout(400);
  await page.keyboard.press('Enter');
  await expect(laps).toHaveCount(2);

  // A refresh mid-race loses nothing.
  await page.reload();
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  await expect(status).toHaveText('Running');
  await expect(laps).toHaveCount(2);
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await expect(laps).toHaveCount(3);

  await page.keyboard.press('x');
  await expect(page.getByRole('alert').filter({ hasText: 'End the race?' })).toBeVisible();
  await page.keyboard.press('y');
  await expect(status).toHaveText('Race over');
  await page.keyboard.press('s');
  await expect(page.getByRole('region', { name: 'Next racer' })).toBeVisible();
});
