// End-to-end suite: needs a running stack (test/e2e/stack/up.sh) and must run inside its network
// namespace; test/e2e/run.sh does both (E2E_JEST=1). The default jest config ignores test/e2e.
/** @type {import('jest').Config} */
export default {
  rootDir: '../..',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testTimeout: 60000,
};
