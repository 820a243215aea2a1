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
      // The exported folder's own tests (src/**/__tests__), run as action-destinations runs them: the destination's
      // real constants (none of test/setup.ts's: SMALL_BATCH stays 72) and nock kept on this machine. The snapshot
      // tests need that repository's lib/test-data and chance 1.1.8, and their files are its jest 27's, whose header
      // jest 30 refuses: they run in npm run check:export. A snapshot written here is in jest 27's format.
      displayName: 'src',
      testEnvironment: 'node',
      roots: ['<rootDir>/src'],
      testPathIgnorePatterns: ['/node_modules/', '/__tests__/snapshot\\.test\\.ts$'],
      transform,
      setupFilesAfterEnv: ['<rootDir>/test/folder-setup.ts'],
      snapshotFormat: { escapeString: true, printBasicPrototype: true }
    }
  ]
}
