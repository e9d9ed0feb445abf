// @ts-check
// The NestJS starter's rules (typescript-eslint recommended, type-checked), with Prettier owning
// the formatting (eslint-config-prettier turns off every rule that would fight it).
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'reports/', 'node_modules/', 'data/', '.stryker-tmp/', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      sourceType: 'commonjs',
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-floating-promises': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
    },
  },
  {
    // Tests and the benchmark read HTTP answers (supertest's `body`, JSON.parse) typed `any` on
    // purpose and assert on them: the no-unsafe-* rules would only ask for casts there.
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Stubs of async interfaces (a cache store, a batch's work) are async without awaiting.
      '@typescript-eslint/require-await': 'off',
      // A stub may fail with whatever value the case under test is about.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
);
