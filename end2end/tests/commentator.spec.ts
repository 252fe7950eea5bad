import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, createEvent, grantRole, open, signIn, signUp, uniqueName } from './helpers';

test('a commentator follows the race live with figures, a lap chart and spoken laps', async ({ page, browser }) => {
  const commentator = uniqueName('voice');
  await signUp(page, commentator);
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, 'admin', ADMIN_PASSWORD);
  await grantRole(admin, commentator, 'Commentator');
  const eventName = uniqueName('Commentary cup ');
  await createEvent(admin, eventName, 'SE', ['Main track']);

  // The browser's speech synthesis, recorded: what the page asks to say.
  await page.addInitScript(() => {
    (window as any).spoken = [];
    window.speechSynthesis.speak = (u: SpeechSynthesisUtterance) => { (window as any).spoken.push(u.text); };
  });
  await open(page, '/commentator');
  await page.getByLabel('Event and track').selectOption({ label: `${eventName} · Main track` });
  await expect(page.getByText('Nobody is on track right now.')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  await page.getByLabel('Speak each lap').check();

  await open(admin, '/race');
  await admin.getByLabel('Event and track').selectOption({ label: `${eventName} · Main track` });
  await admin.getByLabel('Find racer').fill('admin');
  await admin.getByRole('button', { name: 'Race: admin' }).click();
  const now = page.getByRole('region', { name: 'Racer on track' });
  await expect(now).toContainText('admin');
  await expect(now.getByRole('status')).toHaveText('Ready');
  await admin.keyboard.press('Space');
  await expect(now.getByRole('status')).toHaveText('Running');
  for (const lap of [1, 2]) {
    await admin.waitForTimeout(500);
    await admin.keyboard.press('Enter');
    await expect(now.locator('.lap-chart rect')).toHaveCount(lap);
  }
  await expect(now.locator('[data-figure="projected"]')).toHaveText('1');
  await expect(now.locator('[data-figure="best-lap"]')).toHaveText(/^\d+\.\d{3}$/);
  await expect.poll(() => page.evaluate(() => (window as any).spoken)).toHaveLength(2);
  const spoken: string[] = await page.evaluate(() => (window as any).spoken);
  expect(spoken[0]).toMatch(/^Lap 1, \d+\.\d\d seconds$/);
  expect(spoken[1]).toMatch(/^Lap 2, \d+\.\d\d seconds$/);

  await admin.keyboard.press('x');
  await admin.keyboard.press('y');
  await expect(now.getByRole('status')).toHaveText('Race over');
  await admin.keyboard.press('s');
  await expect(page.getByText('Nobody is on track right now.')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Event records' })).toContainText('admin');
  await adminContext.close();
});
