import { test, expect, Browser, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { ADMIN_PASSWORD, createEvent, endAndSubmit, grantRole, signIn, signUp, startRace, uniqueName } from './helpers';

/** Every page of drem, with the role each needs (none: anyone). */
const PAGES: { path: string; needs?: string }[] = [
  { path: '/' },
  { path: '/sign-in' },
  { path: '/sign-up' },
  { path: '/profile', needs: 'racer' },
  { path: '/models', needs: 'racer' },
  { path: '/my-day', needs: 'racer' },
  { path: '/racers', needs: 'staff' },
  { path: '/registration', needs: 'registration' },
  { path: '/check-in?event=EVENT', needs: 'desk' },
  { path: '/commentator', needs: 'commentator' },
  { path: '/events', needs: 'operator' },
  { path: '/events/new', needs: 'operator' },
  { path: '/events/EVENT', needs: 'operator' },
  { path: '/race', needs: 'operator' },
  { path: '/race-admin', needs: 'operator' },
  { path: '/admin/models', needs: 'operator' },
  { path: '/cars', needs: 'operator' },
  { path: '/cars/labels', needs: 'operator' },
  { path: '/timers', needs: 'operator' },
  { path: '/admin/users', needs: 'admin' },
  { path: '/events/EVENT/leaderboard' },
  { path: '/events/EVENT/landing' },
  { path: '/events/EVENT/overlay' },
  { path: '/events/EVENT/podium' },
];

const ROLES = ['anonymous', 'racer', 'registration', 'commentator', 'operator', 'admin'];

/** Whether `role` may use a page that needs `needs` (domain.md §1; admin may all). */
function mayUse(role: string, needs?: string): boolean {
  if (!needs) return true;
  if (role === 'anonymous') return false;
  if (role === 'admin' || needs === 'racer') return true;
  if (needs === 'commentator') return role === 'commentator' || role === 'operator';
  if (needs === 'staff') return role !== 'racer';
  if (needs === 'desk') return role === 'registration' || role === 'operator';
  return role === needs;
}

/** A signed-in page for `role` (a new account granted it), or an anonymous one. */
async function visitorAs(browser: Browser, role: string, width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  if (role === 'admin') {
    await signIn(page, 'admin', ADMIN_PASSWORD);
  } else if (role !== 'anonymous') {
    const name = uniqueName(role.slice(0, 4));
    await signUp(page, name);
    if (role !== 'racer') {
      const admin = await context.browser()!.newContext();
      const adminPage = await admin.newPage();
      await signIn(adminPage, 'admin', ADMIN_PASSWORD);
      await grantRole(adminPage, name, role[0].toUpperCase() + role.slice(1));
      await admin.close();
    }
  }
  return page;
}

let eventId = '';

test.beforeAll(async ({ browser }) => {
  // A populated drem: an event with two tracks and a submitted race.
  const page = await (await browser.newContext()).newPage();
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const eventName = uniqueName('Tour ');
  await createEvent(page, eventName, 'SE', ['Hall A', 'Hall B']);
  eventId = new URL(page.url()).pathname.split('/')[2];
  const status = await startRace(page, eventName, 'Hall A', 'admin');
  await page.keyboard.press('Enter');
  await expect(page.locator('table.laps tbody tr')).toHaveCount(1);
  await endAndSubmit(page, status);
  await page.context().close();
});

for (const role of ROLES) {
  test(`every page as ${role}: usable or plainly refused, on a phone, with no serious accessibility problem`, async ({ browser }) => {
    test.setTimeout(180_000);
    // A phone's width: every page must fit it (laptop widths are the usual case).
    for (const width of [390]) {
      const page = await visitorAs(browser, role, width);
      const problems: string[] = [];
      page.on('pageerror', e => problems.push(e.message.slice(0, 300)));
      page.on('console', m => { if (m.type() === 'error') problems.push(m.text().slice(0, 300)); });
      for (const { path, needs } of PAGES) {
        const url = path.replace('EVENT', eventId);
        problems.length = 0;
        await page.goto(url);
        await expect(page.locator('body[data-hydrated="true"]'), `${url} hydrates: ${problems.join(' | ')}`).toHaveCount(1);
        // Let loads settle (the board's stream, the page's data).
        await page.waitForLoadState('networkidle').catch(() => {});
        const where = `${url} as ${role} at ${width}px`;
        if (mayUse(role, needs)) {
          await expect.soft(page.getByRole('heading', { name: /Not allowed|Please sign in/ }), where).toHaveCount(0);
        } else {
          // Refused: the notice and nothing of the page under it.
          const notice = page.getByRole('heading', { name: role === 'anonymous' ? 'Please sign in' : 'Not allowed' });
          await expect.soft(notice, where).toBeVisible();
          const rest = await page.locator('main').evaluate(main =>
            Array.from(main.querySelectorAll('h1, h2, form, table, input, select, button, [role=region]'))
              .filter(el => !el.closest('.notice'))
              .map(el => el.outerHTML.slice(0, 80)));
          expect.soft(rest, `${where}: nothing under the notice`).toEqual([]);
        }
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect.soft(overflow, `${where}: no sideways scrolling`).toBeLessThanOrEqual(0);
        if (width === 390) {
          const axe = await new AxeBuilder({ page }).analyze();
          const serious = axe.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`);
          expect.soft(serious, `${where}: axe`).toEqual([]);
        }
        if (process.env.DREM_SCREENSHOTS) {
          await page.screenshot({ path: `${process.env.DREM_SCREENSHOTS}/${role}-${width}-${url.replace(/\//g, '_') || 'home'}.png`, fullPage: true });
        }
      }
      await page.context().close();
    }
  });
}
