// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'bench/results.json', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Domain code stays pure: no AWS SDK, no `any`.
    files: ['shared/domain/**/*.ts', 'shared/use-cases/**/*.ts', 'shared/ports/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', '@aws-lambda-powertools/*', '**/adapters/**'] }],
    },
  },
  {
    // The dashboard: native ES modules run as they are by the browser (no build step, no imports from outside web/).
    files: ['web/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../*', '!./*'] }],
      'no-restricted-syntax': ['error', { selector: "AssignmentExpression[left.property.name='innerHTML']", message: 'Data reaches the page as text: use el() / textContent.' }],
    },
  },
);
