const path = require('path')
const base = require('../../jest.config')

// The repository's jest project `test` (test/setup.ts among its setup files), run alone.
const tests = base.projects.find((project) => project.displayName === 'test')

// `npm run test:fetch-2.6.1`: the destination's behaviour tests (test/destination) with the fetch Segment's runtime
// loads in place of ours: cross-fetch 3.1.4 with node-fetch 2.6.1, as action-destinations' yarn.lock pins them, taken
// from the export toolchain (npm run export:toolchain installs it).
const TOOLCHAIN = path.join(__dirname, 'toolchain', 'node_modules')

/** @type {import('jest').Config} */
module.exports = {
  ...tests,
  testTimeout: base.testTimeout,
  rootDir: path.join(__dirname, '..', '..'),
  roots: ['<rootDir>/test/destination'],
  moduleNameMapper: {
    ...tests.moduleNameMapper,
    '^cross-fetch$': require.resolve(path.join(TOOLCHAIN, 'cross-fetch')),
    '^node-fetch$': require.resolve(path.join(TOOLCHAIN, 'node-fetch'))
  },
  setupFilesAfterEnv: [...tests.setupFilesAfterEnv, path.join(__dirname, 'fetch-2.6.1.setup.ts')]
}
