// segmentio/action-destinations' TypeScript settings, what the exported folder compiles under (npm run check:export,
// test/project/export-stages.test.ts): the repository's tsconfig.json (root) and packages/destination-actions'
// tsconfig.build.json, at HEAD 970a17ee. (The package's tsconfig.json extends the build one; check:export writes all
// three, its `paths` to the workspace's own packages becoming the toolchain's node_modules.)

export const ROOT_COMPILER_OPTIONS = {
  module: 'commonjs',
  target: 'es2020',
  lib: ['es2020'],
  declaration: true,
  moduleResolution: 'node',
  esModuleInterop: true,
  resolveJsonModule: true,
  strict: true,
  sourceMap: true,
  removeComments: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  strictPropertyInitialization: false,
  experimentalDecorators: true,
  skipLibCheck: true
}

export const PACKAGE_BUILD_OPTIONS = { rootDir: 'src', outDir: 'dist', useUnknownInCatchVariables: false }

/** What a destination's modules and tests compile under in that package, for a check that writes nothing. */
export const COMPILER_OPTIONS = {
  ...ROOT_COMPILER_OPTIONS,
  useUnknownInCatchVariables: PACKAGE_BUILD_OPTIONS.useUnknownInCatchVariables,
  noEmit: true
}
