// Datetimes without a zone are read as local time: pin it so results match everywhere.
process.env.TZ = 'UTC'

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // src/**/__tests__ are the exported folder's own tests, which npm run check:export runs under action-destinations'
  // jest 27; they run here too. Snapshots are written as jest 27 writes them (`Object {`, escaped quotes), whichever
  // jest writes them, and action-destinations' lib/test-data is the stand-in check:export puts in its place (with
  // chance 1.1.8, as that repository locks it, the same seeded data).
  roots: ['<rootDir>/test', '<rootDir>/src'],
  snapshotFormat: { escapeString: true, printBasicPrototype: true },
  moduleNameMapper: { '^(\\.\\./)+lib/test-data$': '<rootDir>/scripts/export/test-data.ts' },
  transform: {
    // Type checking is `npm run typecheck`'s job; here ts-jest only transpiles, which keeps the suite fast.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }]
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testTimeout: 30000
}
