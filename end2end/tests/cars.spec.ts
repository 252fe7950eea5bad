import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, createEvent, endAndSubmit, open, signIn, signUp, uniqueName } from './helpers';
import { goodModel } from './archive';
import { CAR_SIM_PORT } from '../playwright.config';

test('an operator activates a simulated car, sends it a model with a progress bar and sees its battery', async ({ browser }) => {
  // A racer's model, uploaded and checked.
  const racer = await (await browser.newContext()).newPage();
  const model = uniqueName('lap');
  const pilot = uniqueName('pilot');
  await signUp(racer, pilot);
  const res = await racer.request.post(`/models/upload?name=${model}.tar.gz`, { data: goodModel(12 * 1024 * 1024) });
  expect(res.status()).toBe(201);

  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(page, 'admin', ADMIN_PASSWORD);
  await open(page, '/cars');
  const car = uniqueName('Car ');
  await page.getByLabel('Car name').fill(car);
  await page.getByLabel('Console address').fill(`127.0.0.1:${CAR_SIM_PORT}`);
  await page.getByLabel('Console password').fill('wrong-password');
  await page.getByRole('button', { name: 'Add car' }).click();
  await expect(page.getByText("The car's console refused this password.")).toBeVisible();
  // An expected refusal reads as a message, not as a failure of drem.
  const broken = page.getByRole('heading', { name: 'Something went wrong' });
  await expect(broken).toHaveCount(0);
  // A car that does not answer at all: said plainly too.
  await page.getByLabel('Console address').fill('127.0.0.1:9');
  await page.getByRole('button', { name: 'Add car' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /car|console|connect/i })).toBeVisible();
  await expect(broken).toHaveCount(0);
  // A fleet name already taken.
  const fleet = uniqueName('Kit ');
  for (let i = 0; i < 2; i++) {
    await page.getByLabel('New fleet').fill(fleet);
    await page.getByRole('button', { name: 'Create fleet' }).click();
    if (i === 0) await expect(page.getByLabel('New fleet')).toHaveValue('');
  }
  await expect(page.getByRole('alert').filter({ hasText: /exists/i })).toBeVisible();
  await expect(broken).toHaveCount(0);
  await page.getByLabel('Console address').fill(`127.0.0.1:${CAR_SIM_PORT}`);
  await page.getByLabel('Console password').fill('console-pass-7');
  await page.getByRole('button', { name: 'Add car' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${car} added.` })).toBeVisible();

  const row = page.getByRole('table', { name: 'Cars' }).getByRole('row').filter({ hasText: car });
  await expect(row.getByText('online')).toBeVisible();
  await expect(row.getByRole('meter', { name: `Battery of ${car}` })).toHaveAttribute('value', '7');
  // The console's battery runs 0 to 11 (full): 7 is 64 %.
  await expect(row).toContainText('64 %');

  // Send the model; the car's progress bar fills while the car (slowed down) receives it.
  await row.getByRole('checkbox', { name: `Select ${car}` }).check();
  await page.getByRole('group', { name: 'Models (available)' }).getByText(model, { exact: false }).click();
  await page.getByRole('button', { name: 'Send to 1 selected car(s)' }).click();
  const progress = page.getByRole('progressbar', { name: `Transfer to ${car}` });
  await expect(progress).toBeVisible();
  await expect
    .poll(async () => progress.evaluate((p: HTMLProgressElement) => p.value > 0 && p.value < p.max), { timeout: 20_000 })
    .toBe(true);
  await page.screenshot({ path: test.info().outputPath('cars-sending.png'), fullPage: true });
  await expect(row).toContainText(`${model}.tar.gz: on the car`, { timeout: 40_000 });
  expect(await progress.evaluate((p: HTMLProgressElement) => p.value === p.max)).toBe(true);

  // The model is on the car: load it.
  await row.getByRole('button', { name: 'Models on car' }).click();
  const onCar = page.getByRole('region', { name: `Models on ${car}` });
  // On the car under the racer's name, and shown as whose it is.
  await expect(onCar).toContainText(`${model}.tar.gz · ${pilot}`);
  await onCar.getByRole('button', { name: `Load ${pilot}-${model}` }).click();
  await expect(onCar.getByRole('status')).toHaveText('Model loaded.');
  await expect(row).toContainText(model);
  await page.screenshot({ path: test.info().outputPath('cars-loaded.png'), fullPage: true });

  // The car on a track: the race records it, for the commentator and race admin.
  const eventName = uniqueName('Kit race ');
  await createEvent(page, eventName, 'SE', ['Main']);
  const eventId = new URL(page.url()).pathname.split('/')[2];
  await open(page, '/race');
  await page.getByLabel('Event and track').selectOption({ label: `${eventName} · Main` });
  await page.getByLabel('Car on track').selectOption({ label: car });
  await page.getByLabel('Find racer').fill(pilot);
  await page.getByRole('button', { name: `Race: ${pilot}` }).click();
  const status = page.getByRole('region', { name: 'Race' }).getByRole('status');
  await expect(status).toHaveText('Ready');
  const commentator = await page.context().newPage();
  await open(commentator, '/commentator');
  await commentator.getByLabel('Event and track').selectOption({ label: `${eventName} · Main` });
  await expect(commentator.getByRole('region', { name: 'Racer on track' }).getByTestId('car')).toHaveText(`Car: ${car}`);
  await page.bringToFront();
  await page.keyboard.press('Space');
  await expect(status).toHaveText('Running');
  await endAndSubmit(page, status);
  await open(page, `/race-admin?event=${eventId}`);
  await expect(page.getByRole('region', { name: 'Races' }).getByRole('article')).toContainText(`Car: ${car}`);
});
