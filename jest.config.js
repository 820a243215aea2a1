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
      // The exported folder's own tests (src/**/__tests__), run as action-destinations runs them: with the
      // destination's real constants (none of test/setup.ts's), nock kept on this machine, and snapshots in the format
      // of that repository's jest 27. Its snapshot tests need that repository's lib/test-data and its chance 1.1.8,
      // so they run in npm run check:export.
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
