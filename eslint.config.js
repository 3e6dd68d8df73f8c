// ESLint: the layers of docs/decisions/014-layers.md, checked on every import, plus a few correctness
// rules. No type-aware rules (they would make `npm run lint` slow); no style rules (Prettier formats).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// ── What may not be imported, by kind ──────────────────────────────────────────────────────────
// Patterns are regular expressions on the import as written ('../../prisma/client', '~/models/x.server').

const NODE_MODULES = [...new Set(builtinModules.map((name) => name.replace(/^node:/, '')))];

/** Node's modules (`node:fs`, `fs`, `fs/promises`…), except `allowed`. */
const node = (why, allowed = []) => ({
  regex: `^(node:)?(${NODE_MODULES.filter((name) => !allowed.includes(name)).join('|')})(/.*)?$`,
  caseSensitive: true,
  message: why,
});

const PRISMA = {
  regex: '(^|/)prisma/(client|generated)(/|$)|^@prisma/|^prisma$',
  caseSensitive: true,
  message:
    'le client Prisma ne s’importe que dans la couche serveur (app/models/**/*.server.ts, app/lib/**/*.server.ts) ; ailleurs, appelez une fonction de cette couche (type Db : app/lib/db.server.ts).',
};
const QUEUE_LIBRARIES = {
  regex: '^(bullmq|ioredis)(/|$)',
  caseSensitive: true,
  message:
    'bullmq et ioredis ne s’importent que dans la couche serveur : le contrat des files est app/lib/queues.server.ts (noms, données, options, connexion, ajout de travaux).',
};
const WORKERS = {
  regex: '(^|/)workers(/|$)',
  caseSensitive: true,
  message:
    'l’application web n’importe pas workers/ : ce que le web et les workers partagent est dans la couche serveur (app/lib/queues.server.ts pour les files, app/models pour le reste).',
};
const UI = {
  regex: '^(react|react-dom|@remix-run/react)(/|$)',
  caseSensitive: true,
  message: 'la couche serveur n’importe ni React ni @remix-run/react : elle rend des données, les routes et les composants les affichent.',
};
const COMPONENTS = {
  regex: '(^|/)components/',
  caseSensitive: true,
  message: 'la couche serveur n’importe pas app/components/** (interface) : un calcul partagé va dans app/lib ou engine/.',
};
const ROUTES_AND_ROOT = {
  regex: '(^|/)routes/|^~/root$|^(\\.\\./)+root$|^\\./root$',
  caseSensitive: true,
  message: 'app/routes/** et app/root ne s’importent que par Remix : mettez ce qui est partagé dans la couche serveur ou dans app/components.',
};
const SERVER_MODULES = {
  regex: '\\.server(\\.[jt]sx?)?$',
  caseSensitive: true,
  // Types are erased from the browser bundle: a component may name the shape a loader returns.
  allowTypeImports: true,
  message: 'un composant n’importe aucun module serveur (*.server) : il reçoit ses données de la route (import type permis).',
};
const OUTSIDE_ENGINE = {
  regex: '^(\\.\\./)+(app|workers|prisma|scripts|bench|cli|tests)(/|$)|^~/',
  caseSensitive: true,
  message: 'engine/ est le cœur pur : il n’importe rien de app/, workers/, prisma/, scripts/, bench/, cli/ ni tests/.',
};
/** Engine tests may also read the repository's own fixtures (tests/fixtures: published reference data). */
const OUTSIDE_ENGINE_TESTS = {
  ...OUTSIDE_ENGINE,
  regex: '^(\\.\\./)+(app|workers|prisma|scripts|bench|cli)(/|$)|^(\\.\\./)+tests/(?!fixtures/)|^~/',
  message: 'les tests du cœur n’importent que engine/ et les données de référence de tests/fixtures/.',
};
const ENGINE_FORBIDDEN_PACKAGES = {
  regex: '^(@prisma/|prisma$|@remix-run/|react($|/)|react-dom($|/)|bullmq($|/)|ioredis($|/)|pg$|express$)',
  caseSensitive: true,
  message: 'engine/ est le cœur pur : ni Prisma, ni Remix, ni React, ni files (bullmq/ioredis), ni base de données.',
};
const APP_OR_WORKERS = {
  regex: '^(\\.\\./)+(app|workers)(/|$)|^~/',
  caseSensitive: true,
  message: 'cli/ est un outil autonome sur engine/ et content/ : il n’importe ni app/ ni workers/.',
};

const ENGINE_NODE = 'engine/ est le cœur pur : pas de module Node (seul engine/calibration/parallel/, les threads de calcul, en a le droit).';

/** One layer's import rule. Each source file gets at most one of these blocks (a later block would replace it). */
const layer = (name, files, patterns, ignores = []) => ({
  name: `layers/${name}`,
  files,
  ignores: [...ignores, '**/*.test.ts', '**/*.test.tsx'],
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});

const SERVER_LAYER = ['app/models/**/*.server.ts', 'app/lib/**/*.server.ts'];

export default tseslint.config(
  {
    name: 'ignored',
    ignores: ['build/', 'public/build/', 'prisma/generated/', 'app/generated/', '.cache/', '.data/', 'data/', 'bench/out/', 'test-results/', 'node_modules/'],
  },
  {
    name: 'parsing',
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: {
      parser: tseslint.parser,
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'react-hooks': reactHooks },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  // ── Correctness (no style) ──────────────────────────────────────────────────────────────────
  {
    name: 'correctness',
    files: ['**/*.{ts,tsx,js,mjs}'],
    rules: {
      'no-async-promise-executor': 'error',
      'no-compare-neg-zero': 'error',
      'no-cond-assign': ['error', 'except-parens'],
      'no-constant-binary-expression': 'error',
      'no-debugger': 'error',
      'no-dupe-else-if': 'error',
      'no-duplicate-case': 'error',
      'no-empty-pattern': 'error',
      'no-self-assign': 'error',
      'no-self-compare': 'error',
      'no-sparse-arrays': 'error',
      'no-unsafe-finally': 'error',
      'no-unsafe-negation': 'error',
      'no-unsafe-optional-chaining': 'error',
      'no-unused-private-class-members': 'error',
      'no-useless-backreference': 'error',
      'use-isnan': 'error',
      'valid-typeof': 'error',
      '@typescript-eslint/no-duplicate-enum-values': 'error',
      '@typescript-eslint/no-misused-new': 'error',
      '@typescript-eslint/no-unsafe-declaration-merging': 'error',
      'react-hooks/rules-of-hooks': 'error',
      // Three effects in app/components leave dependencies out (shown, not failing the lint).
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    name: 'javascript',
    files: ['**/*.{js,mjs}'],
    rules: { ...js.configs.recommended.rules },
  },

  // ── Layers (docs/decisions/014-layers.md) ─────────────────────────────────────────────────────
  layer('engine', ['engine/**/*.ts'], [node(ENGINE_NODE), ENGINE_FORBIDDEN_PACKAGES, OUTSIDE_ENGINE], ['engine/calibration/parallel/**']),
  // The worker-thread calibration kernel: node:worker_threads, node:os, node:fs… by design.
  layer('engine-parallel', ['engine/calibration/parallel/**/*.ts'], [ENGINE_FORBIDDEN_PACKAGES, OUTSIDE_ENGINE]),
  // Tests of the engine may read files (the fixtures of published results).
  {
    ...layer('engine-tests', ['engine/**/*.test.ts'], [ENGINE_FORBIDDEN_PACKAGES, OUTSIDE_ENGINE_TESTS]),
    ignores: [],
  },
  layer('server', SERVER_LAYER, [UI, COMPONENTS, ROUTES_AND_ROOT, WORKERS]),
  layer(
    'components',
    ['app/components/**/*.{ts,tsx}'],
    [SERVER_MODULES, PRISMA, QUEUE_LIBRARIES, WORKERS, node('un composant tourne aussi dans le navigateur : pas de module Node.')],
  ),
  // Routes, app/root, the i18n tables and the modules of app/lib and app/models that the browser may load.
  layer('app', ['app/**/*.{ts,tsx}'], [PRISMA, QUEUE_LIBRARIES, WORKERS], [...SERVER_LAYER, 'app/components/**']),
  layer(
    'workers',
    ['workers/**/*.ts'],
    [
      {
        ...PRISMA,
        message:
          'les workers n’interrogent pas la base eux-mêmes : ils appellent la couche serveur (app/models/**/*.server.ts), qui leur donne aussi le type Db (app/lib/db.server.ts).',
      },
      // Types may be named (Job, Queue, Redis); queues, workers and connections come from the contract.
      {
        ...QUEUE_LIBRARIES,
        allowTypeImports: true,
        message:
          'les workers ouvrent files, workers et connexions Redis par le contrat app/lib/queues.server.ts (openQueue, startWorker, openRedis…) ; import type permis.',
      },
      {
        regex: '(^|/)app/(routes|components)/|(^|/)app/root$',
        caseSensitive: true,
        message: 'les workers n’importent ni app/routes/**, ni app/components/**, ni app/root : seulement engine/ et la couche serveur.',
      },
    ],
  ),
  layer('cli', ['cli/**/*.ts'], [APP_OR_WORKERS]),

  // ── One module reads the environment ──────────────────────────────────────────────────────────
  {
    name: 'environment',
    files: ['app/**/*.{ts,tsx}', 'workers/**/*.ts', 'engine/**/*.ts', 'cli/**/*.ts'],
    ignores: ['app/lib/env.server.ts', '**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'l’environnement ne se lit que par env() de app/lib/env.server.ts (variable déclarée, vérifiée, avec sa valeur par défaut).',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][computed=true][property.value='env']",
          message: 'l’environnement ne se lit que par env() de app/lib/env.server.ts.',
        },
      ],
    },
  },

  // ── Routes call the server layer; they never query the database themselves ───────────────────
  {
    name: 'routes-no-queries',
    files: ['app/routes/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][computed=true][property.value='env']",
          message: 'l’environnement ne se lit que par env() de app/lib/env.server.ts.',
        },
        {
          // db().challenge.findMany(…), db().$queryRaw`…`, const c = db(); c.x… is caught by the next one.
          selector: "MemberExpression[object.type='CallExpression'][object.callee.name='db']",
          message: 'une route n’interroge pas la base : elle passe db() à une fonction de la couche serveur (app/models/**/*.server.ts) qui fait la requête.',
        },
        {
          selector: "VariableDeclarator[init.type='CallExpression'][init.callee.name='db']",
          message: 'une route ne garde pas le client de la base : elle passe db() directement à une fonction de la couche serveur.',
        },
      ],
    },
  },
);
