// Lint: the type-aware rules STYLE.md calls non-negotiable, because a dropped promise in a
// persistence path is an fsync error nobody sees, and its size limits (70 lines a function, 4
// parameters, an options object beyond). Sources and tests alike, type-checked through the test
// tsconfig, which covers both. A disable names its rule and says why beside it. Formatting is
// not linted here. `npm test` runs this before the suite, so CI enforces it.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'build/**', 'node_modules/**', 'bench/**', 'src/commands/spec.generated.ts'],
  },
  {
    files: ['src/**/*.ts', 'bin/**/*.ts', 'test/**/*.ts'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [
          { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
        ],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unnecessary-condition': 'error',
      '@typescript-eslint/restrict-template-expressions': 'error',
      'max-lines-per-function': ['error', { max: 70 }],
      'max-params': ['error', 4],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Only bin/ and src/main.ts may exit.' },
      ],
    },
  },
  {
    files: ['bin/**/*.ts', 'src/main.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
