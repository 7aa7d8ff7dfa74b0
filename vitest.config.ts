import { configDefaults, defineConfig } from 'vitest/config';

const BROWSER = ['src/**/*.browser.test.ts', 'test/**/*.browser.test.ts'];

// Two tiers share one suite. `npm test` runs everything on embedded PGlite with no server.
// `npm run test:server` runs the database-backed files (*.db.test.ts) again against a real
// PostgreSQL server named by BATON_TEST_DATABASE_URL. `npm run test:browser` drives the review console
// in Debian's headless chromium (*.browser.test.ts; `bash .ci/chromium.sh` installs it); the other
// two tiers leave those files out.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'evals/**/*.test.ts'], exclude: [...BROWSER, ...configDefaults.exclude] },
      },
      {
        extends: true,
        test: { name: 'server', include: ['src/**/*.db.test.ts', 'test/**/*.db.test.ts'], exclude: [...BROWSER, ...configDefaults.exclude] },
      },
      {
        extends: true,
        // A cold chromium start and a real server per file: generous limits, one file at a time.
        test: { name: 'browser', include: BROWSER, testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false },
      },
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    onConsoleLog: () => false,
  },
});
