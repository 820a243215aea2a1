// Datetimes without a zone are read as local time: pin it so results match everywhere.
process.env.TZ = 'UTC'

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // src/__tests__ is the exported folder's own tests: its nock tests run here too; its snapshot tests need
  // action-destinations' lib/test-data, so they run in npm run check:export.
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/src/__tests__/snapshot.test.ts'],
  transform: {
    // Type checking is `npm run typecheck`'s job; here ts-jest only transpiles, which keeps the suite fast.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }]
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testTimeout: 30000
}
