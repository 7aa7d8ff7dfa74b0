import { defineConfig } from 'vitest/config';

// Two tiers share one suite. `npm test` runs everything on embedded PGlite with no server.
// `npm run test:server` runs the database-backed files (*.db.test.ts) again against a real
// PostgreSQL server named by BATON_TEST_DATABASE_URL.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'evals/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'server', include: ['src/**/*.db.test.ts', 'test/**/*.db.test.ts'] },
      },
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    onConsoleLog: () => false,
  },
});
