import { test, expect } from '@playwright/test';
import { open, signUp, uniqueName } from './helpers';
import { goodModel, METADATA, tarGz } from './archive';

test('a racer uploads models through the page and sees them checked', async ({ page }) => {
  await signUp(page, uniqueName('pilot'));
  await open(page, '/models');
  await expect(page.getByRole('heading', { name: 'My models' })).toBeVisible();

  const input = page.locator('input[type="file"]');
  await input.setInputFiles([
    { name: 'fast-lap.tar.gz', mimeType: 'application/gzip', buffer: goodModel(3 * 1024 * 1024) },
    { name: 'broken.tar.gz', mimeType: 'application/gzip', buffer: tarGz({ 'model_metadata.json': METADATA }) },
    { name: 'bad name.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from('x') },
  ]);

  // One row per file, each with its progress bar; a name the rule refuses is not sent.
  const uploads = page.getByRole('list', { name: 'Uploads' });
  const fast = page.getByRole('progressbar', { name: 'Upload of fast-lap.tar.gz' });
  await expect(fast).toBeVisible();
  await expect(uploads.getByRole('listitem')).toHaveCount(3);
  await expect(uploads.getByRole('listitem').filter({ hasText: 'bad name.tar.gz' })).toContainText('may only use letters');
  await expect(uploads.getByRole('listitem').filter({ hasText: 'fast-lap.tar.gz' })).toContainText('uploaded');
  expect(await fast.evaluate((p: HTMLProgressElement) => p.value === p.max)).toBe(true);

  // The checks' results arrive without a reload.
  const table = page.getByRole('table', { name: 'My models' });
  const good = table.getByRole('row').filter({ hasText: 'fast-lap.tar.gz' });
  await expect(good).toContainText('Available');
  await expect(good).toContainText('FRONT_FACING_CAMERA');
  await expect(good).toContainText('3 actions');
  await expect(good.getByRole('link', { name: 'Download' })).toHaveAttribute('href', /\/models\/.+\/download$/);
  const broken = table.getByRole('row').filter({ hasText: 'broken.tar.gz' });
  await expect(broken).toContainText('Invalid');
  await expect(broken).toContainText('the archive has no agent/model.pb');

  await broken.getByRole('button', { name: 'Delete broken.tar.gz' }).click();
  await expect(table.getByRole('row').filter({ hasText: 'broken.tar.gz' })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('my-models.png'), fullPage: true });
});
