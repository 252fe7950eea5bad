import { expect, Locator, Page } from '@playwright/test';

export const ADMIN_PASSWORD = 'Race-Control-2026';
export const PASSWORD = 'tail-light-purple-77';

let counter = 0;
/** A username no other test uses. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}

/** Opens a page and waits until the app has hydrated (clicks before that hit dead HTML). */
export async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await open(page, '/sign-in');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTitle('Signed in')).toBeVisible();
}

export async function signUp(page: Page, username: string): Promise<void> {
  await open(page, '/sign-up');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Country').selectOption('SE');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
}

export function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' });
}

/** On the admin's users page, grants `role` (its label) to `username`. */
export async function grantRole(admin: Page, username: string, role: string): Promise<void> {
  await open(admin, '/admin/users');
  await admin.getByLabel('Find a user').fill(username);
  const toggle = admin.getByRole('button', { name: `${role} for ${username}` });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
}

/** Creates an event with the given tracks through the event editor. Its laps may be
 *  any length (tests press keys a fraction of a second apart) unless `shortestLap`
 *  names one of the editor's choices, e.g. '3 s'. */
export async function createEvent(page: Page, name: string, country: string, tracks: string[], shortestLap = 'No minimum'): Promise<void> {
  await open(page, '/events/new');
  await page.getByLabel('Event name').fill(name);
  await page.getByLabel('Date').fill('2026-11-26');
  await page.getByLabel('Country').selectOption(country);
  await page.getByLabel('Shortest lap').selectOption({ label: shortestLap });
  await page.getByRole('button', { name: 'Create event' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  for (const [i, title] of tracks.entries()) {
    await page.getByRole('form', { name: 'New track' }).getByLabel('Leaderboard title').fill(title);
    await page.getByRole('button', { name: 'Add track' }).click();
    await expect(page.getByRole('form', { name: `Track ${i + 1}` })).toBeVisible();
  }
}

/** On the race manager: puts `racer` on `track` of `eventName` and starts the race.
 *  Returns the race's status line. */
export async function startRace(page: Page, eventName: string, track: string, racer: string): Promise<Locator> {
  await open(page, '/race');
  await page.getByLabel('Event and track').selectOption({ label: `${eventName} · ${track}` });
  await page.getByLabel('Find racer').fill(racer);
  await page.getByRole('button', { name: `Race: ${racer}` }).click();
  const status = page.getByRole('region', { name: 'Race' }).getByRole('status');
  await expect(status).toHaveText('Ready');
  await page.keyboard.press('Space');
  await expect(status).toHaveText('Running');
  return status;
}

/** Ends the race on the race manager and submits it. */
export async function endAndSubmit(page: Page, status: Locator): Promise<void> {
  await page.keyboard.press('x');
  await page.keyboard.press('y');
  await expect(status).toHaveText('Race over');
  await page.keyboard.press('s');
  await expect(page.getByRole('region', { name: 'Next racer' })).toBeVisible();
}
