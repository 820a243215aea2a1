// packages/destination-actions' TypeScript settings in segmentio/action-destinations, as it extends the repository's
// root tsconfig: what the exported folder compiles under (npm run check:export, test/project/export-stages.test.ts).
export const COMPILER_OPTIONS = {
  module: 'commonjs',
  target: 'es2020',
  lib: ['es2020'],
  moduleResolution: 'node',
  esModuleInterop: true,
  resolveJsonModule: true,
  strict: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  strictPropertyInitialization: false,
  experimentalDecorators: true,
  skipLibCheck: true,
  useUnknownInCatchVariables: false,
  noEmit: true
}
