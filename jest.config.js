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
      // The exported folder's own tests (src/**/__tests__), run here as action-destinations runs them: the
      // destination's real constants (none of test/setup.ts's: SMALL_BATCH stays 72) and nock kept on this machine.
      // The snapshot tests run only in npm run check:export, under that repository's jest 27 and chance 1.1.8: their
      // files are jest 27's, as all of that repository's are, and jest 30 refuses (or rewrites) jest 27's header.
      displayName: 'src',
      testEnvironment: 'node',
      roots: ['<rootDir>/src'],
      testPathIgnorePatterns: ['/node_modules/', '/__tests__/snapshot\\.test\\.ts$'],
      transform,
      setupFilesAfterEnv: ['<rootDir>/test/folder-setup.ts']
    }
  ]
}
