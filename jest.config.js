// libxml2-wasm is ESM-only and loaded with a real import(): jest needs --experimental-vm-modules
// (set in the npm test script) and ts-jest in isolatedModules mode.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  // Builds dist/ once: some tests run the real `fiscal-gateway` command as a child process.
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
  globalSetup: '<rootDir>/test/support/build.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
