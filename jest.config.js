// Datetimes without a zone are read as local time: pin it so results match everywhere.
process.env.TZ = 'UTC'

// Type checking is `npm run typecheck`'s job; here ts-jest only transpiles, which keeps the suite fast.
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] }

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  projects: [
    {
      displayName: 'test',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      transform,
      setupFilesAfterEnv: ['<rootDir>/test/setup.ts']
    },
    {
      // The exported folder's own tests (src/**/__tests__), which npm run check:export runs under
      // action-destinations' jest 27, run here as that repository runs them: the destination's real constants (none
      // of test/setup.ts's: SMALL_BATCH stays 72) and nock kept on this machine. Snapshots are read and written as
      // jest 27 writes them (`Object {`, escaped quotes), and that repository's lib/test-data is the stand-in
      // check:export puts in its place (with chance 1.1.8, as that repository locks it, the same seeded data).
      displayName: 'src',
      testEnvironment: 'node',
      roots: ['<rootDir>/src'],
      transform,
      moduleNameMapper: { '^(\\.\\./)+lib/test-data$': '<rootDir>/scripts/export/test-data.ts' },
      setupFilesAfterEnv: ['<rootDir>/test/folder-setup.ts'],
      snapshotFormat: { escapeString: true, printBasicPrototype: true }
    }
  ]
}
