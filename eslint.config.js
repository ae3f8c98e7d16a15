// Lint: the type-aware rules STYLE.md calls non-negotiable, because a dropped promise in a
// persistence path is an fsync error nobody sees. Formatting is not linted here.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'build/**', 'node_modules/**', 'bench/**', '**/*.test.ts',
      'src/commands/spec.generated.ts'],
  },
  {
    files: ['src/**/*.ts', 'bin/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: './tsconfig.build.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
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
