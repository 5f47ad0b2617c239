// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      'coverage/',
      '**/*.d.ts',
      '**/dist/',
      '**/cdk.out/',
      'scratch/',
      'reports/',
      '.stryker-tmp/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // CDK constructs are created for their side effect on the construct tree.
      'no-new': 'off',
    },
  },
  {
    // Test files share a worker's modules (vitest.config.mts, isolate: false): a client mock
    // must be restored when its file ends, which test/support/aws-mock.ts does.
    files: ['**/*.ts'],
    ignores: ['test/support/aws-mock.ts', 'test/job-runner/world.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'aws-sdk-client-mock', message: 'use mockAws from test/support/aws-mock.ts' }] },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // CommonJS for worker threads, which load without the TypeScript loader.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
