import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // Integration and end-to-end files start real Jupyter servers and kernels: two at a time
    // on a 2-core machine.
    maxWorkers: 2,
    // @jupyterlab/services narrates kernel connections on console.debug; keep test output readable.
    onConsoleLog: (log) => !/^(Starting WebSocket|Kernel: )/.test(log),
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
