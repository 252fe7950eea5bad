import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, PASSWORD, mainNav, open, signIn, signUp, uniqueName } from './helpers';

test('a racer signs up, signs out and signs in again', async ({ page }) => {
  const name = uniqueName('racer');
  await signUp(page, name);
  await expect(page.getByText(name).first()).toBeVisible();
  await expect(mainNav(page).getByRole('link', { name: 'Profile' })).toBeVisible();
  await expect(mainNav(page).getByRole('link', { name: 'Users' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(mainNav(page).getByRole('link', { name: 'Sign in' })).toBeVisible();

  await open(page, '/sign-in');
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Wrong username or password');

  await signIn(page, name, PASSWORD);
  await expect(mainNav(page).getByRole('link', { name: 'Profile' })).toBeVisible();
});

test('sign out everywhere ends the sessions of every browser', async ({ browser }) => {
  const name = uniqueName('twice');
  const laptop = await (await browser.newContext()).newPage();
  await signUp(laptop, name);
  const phone = await (await browser.newContext()).newPage();
  await signIn(phone, name, PASSWORD);
  await open(phone, '/profile');
  await phone.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(mainNav(phone).getByRole('link', { name: 'Sign in' })).toBeVisible();
  await open(laptop, '/profile');
  await expect(laptop.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
});

test('sign-up shows what is wrong with a field', async ({ page }) => {
  await open(page, '/sign-up');
  await page.getByLabel('Username').fill(uniqueName('weak'));
  await page.getByLabel('Email').fill('weak@example.com');
  await page.getByLabel('Country').selectOption('DE');
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('alert')).toContainText('too common');
});

test('a racer is refused the admin page', async ({ page }) => {
  await signUp(page, uniqueName('nosy'));
  await open(page, '/admin/users');
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
});

test('an admin grants operator and the operator sees operator items', async ({ browser }) => {
  const name = uniqueName('op');
  const racerContext = await browser.newContext();
  const racer = await racerContext.newPage();
  await signUp(racer, name);
  await expect(mainNav(racer).getByRole('link', { name: 'Racers' })).toHaveCount(0);

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, 'admin', ADMIN_PASSWORD);
  await expect(mainNav(admin).getByRole('link', { name: 'Users' })).toBeVisible();
  await open(admin, '/admin/users');
  await admin.getByLabel('Find a user').fill(name);
  const toggle = admin.getByRole('button', { name: `Operator for ${name}` });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');

  await open(racer, '/');
  await expect(mainNav(racer).getByRole('link', { name: 'Racers' })).toBeVisible();
  await expect(mainNav(racer).getByRole('link', { name: 'Race manager' })).toBeVisible();
  await expect(mainNav(racer).getByRole('link', { name: 'Events' })).toBeVisible();
  await expect(mainNav(racer).getByRole('link', { name: 'Users' })).toHaveCount(0);
  await expect(mainNav(racer).getByRole('link', { name: 'Add racer' })).toHaveCount(0);
  await mainNav(racer).getByRole('link', { name: 'Racers' }).click();
  await expect(racer.getByRole('cell', { name, exact: true })).toBeVisible();
  await racerContext.close();
  await adminContext.close();
});

test('registration adds a walk-up racer who sets a password through the link', async ({ browser }) => {
  const staffName = uniqueName('desk');
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  const deskContext = await browser.newContext();
  const desk = await deskContext.newPage();
  await signUp(desk, staffName);
  await signIn(admin, 'admin', ADMIN_PASSWORD);
  await open(admin, '/admin/users');
  await admin.getByLabel('Find a user').fill(staffName);
  await admin.getByRole('button', { name: `Registration for ${staffName}` }).click();
  await expect(admin.getByRole('button', { name: `Registration for ${staffName}` })).toHaveAttribute('aria-pressed', 'true');

  const walkUp = uniqueName('walk');
  await open(desk, '/');
  await mainNav(desk).getByRole('link', { name: 'Add racer' }).click();
  await desk.getByLabel('Username').fill(walkUp);
  await desk.getByLabel('Country').selectOption('FR');
  await desk.getByRole('button', { name: 'Create account' }).click();
  const invite = desk.getByRole('region', { name: 'Invite link' });
  await expect(invite.locator('svg')).toBeVisible();
  const link = await desk.getByTestId('invite-link').getAttribute('href');
  expect(link).toContain('/invite/');

  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await phoneContext.newPage();
  await open(phone, link!);
  await expect(phone.getByRole('heading', { name: `Welcome, ${walkUp}` })).toBeVisible();
  await phone.getByLabel('New password').fill(PASSWORD);
  await phone.getByRole('button', { name: 'Set password' }).click();
  await expect(phone.getByRole('heading', { name: 'Your profile' })).toBeVisible();

  const laterContext = await browser.newContext();
  const later = await laterContext.newPage();
  await signIn(later, walkUp, PASSWORD);
  await open(later, link!);
  await expect(later.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();

  // The racer forgets the password: the desk shows a reset link; the racer's phone sets
  // a new one, and the laptop signed in before is signed out.
  await open(desk, '/racers');
  await desk.getByLabel('Find a racer').fill(walkUp);
  await desk.getByRole('button', { name: `Password reset link for ${walkUp}` }).click();
  const reset = await desk.getByRole('region', { name: 'Invite link' }).getByTestId('invite-link').getAttribute('href');
  expect(reset).not.toBe(link);
  await open(phone, reset!);
  await expect(phone.getByRole('heading', { name: `New password for ${walkUp}` })).toBeVisible();
  await phone.getByLabel('New password').fill('a-fresh-password-77');
  await phone.getByRole('button', { name: 'Set password' }).click();
  await expect(phone.getByRole('heading', { name: 'Your profile' })).toBeVisible();
  await open(later, '/profile');
  await expect(mainNav(later).getByRole('link', { name: 'Sign in' })).toBeVisible();
  await signIn(later, walkUp, 'a-fresh-password-77');
  for (const c of [adminContext, deskContext, phoneContext, laterContext]) await c.close();
});
