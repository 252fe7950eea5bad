import { defineConfig } from '@playwright/test';
import * as path from 'path';

// The test command builds drem first; this starts that binary on an in-memory
// database with a known first-admin password, on a port of its own.
const root = path.resolve(__dirname, '..');
const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
const port = Number(process.env.DREM_E2E_PORT || 3199);
export const adminPassword = 'Race-Control-2026';
/** The simulated car console (tests/car_sim), slowed down so progress shows. */
export const CAR_SIM_PORT = Number(process.env.DREM_E2E_CAR_PORT || 3198);

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    },
  },
  webServer: [{
    command: `${path.join(targetDir, 'debug', 'drem')} --bind 127.0.0.1:${port} --database-url mem:// --log ${process.env.DREM_E2E_LOG || 'warn'}`,
    cwd: root,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      DREM_ADMIN_PASSWORD: adminPassword,
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT || path.join(root, 'target', 'site'),
    },
  }, {
    command: `${path.join(targetDir, 'debug', 'examples', 'car_sim')} --port ${CAR_SIM_PORT} --upload-delay-ms 20`,
    cwd: root,
    url: `https://127.0.0.1:${CAR_SIM_PORT}/`,
    ignoreHTTPSErrors: true,
    reuseExistingServer: false,
    timeout: 30_000,
  }],
});
