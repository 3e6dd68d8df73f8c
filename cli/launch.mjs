/**
 * Starts the command line (cli/run.ts) from one JavaScript bundle kept in the project's .cache/cli folder,
 * instead of compiling its TypeScript modules one by one through tsx's loader on every start
 * (decision 021, addendum h33). Plain JavaScript, so that `node cli/launch.mjs` needs no loader at all.
 *
 * The bundle is reused while none of its source files changed: the manifest lists them with a SHA-256 of
 * their contents, and a stamp of their sizes, inodes and change times; a start whose stamp matches trusts the
 * hash without reading the sources (≈ 1 ms of stat calls against 10–30 ms of reading and hashing 1.5 MB;
 * decision 021, addendum h35), any other start hashes them (and records the new stamp when the contents
 * are unchanged, e.g. after a checkout); otherwise esbuild (tsx's own dependency, found
 * through tsx's package) builds it again, into a folder named by that hash, written under a temporary name
 * and renamed, so that concurrent starts never read half a bundle. The folder is the project's, owned like
 * the sources (a shared temporary folder would let anybody plant code there). Packages stay external but a few (BUNDLED_PACKAGES)
 * (loaded from node_modules as before); `import.meta.url` in a source file is replaced by that file's own
 * URL, so that code locating files beside itself (the calibration worker) finds them as under tsx.
 * Where esbuild is missing or the build fails, the sources run through tsx as before.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Changes whenever the way the bundle is built changes (then every cached bundle is rebuilt). */
const BUILD_VERSION = 'cli-bundle-2';
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const entry = join(here, 'run.ts');
const cacheFolder = join(root, '.cache', 'cli');
const manifestFile = join(cacheFolder, 'manifest.json');

/** SHA-256 of the build version, the Node version and every input's path and contents. */
function contentHash(inputs) {
  const hash = createHash('sha256').update(BUILD_VERSION).update('\0').update(process.versions.node).update('\0');
  for (const file of inputs)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex');
}

/**
 * The inputs' sizes, inodes, modification and change times (nanoseconds) as one digest, and the newest of
 * those times (on the file system's clock, compared with the manifest's own time).
 */
function statStamp(inputs) {
  let stamp = process.versions.node;
  let newest = 0n;
  for (const file of inputs) {
    const s = statSync(join(root, file), { bigint: true });
    stamp += `\0${file}\0${s.size}\0${s.ino}\0${s.mtimeNs}\0${s.ctimeNs}`;
    if (s.mtimeNs > newest) newest = s.mtimeNs;
    if (s.ctimeNs > newest) newest = s.ctimeNs;
  }
  return { stamp: createHash('sha256').update(stamp).digest('hex'), newest };
}

/** A source changed less than this before the manifest was written is hashed again (a write in the same clock tick keeps its times). */
const RACY_NS = 2_000_000_000n;

/** Writes the manifest under a temporary name and renames it into place. */
function writeManifest(manifest) {
  const temporary = `${manifestFile}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify(manifest));
  renameSync(temporary, manifestFile);
}

/** The cached bundle's entry file when its sources are unchanged, else null. */
function cachedEntry() {
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    if (manifest.version !== BUILD_VERSION) return null;
    const { stamp, newest } = statStamp(manifest.inputs);
    // Trusted when the stamp is the recorded one and no source changed near the manifest's writing (as git
    // treats "racily clean" files); otherwise hashed, and the stamp recorded again when the contents match.
    if (stamp !== manifest.stamp || newest > statSync(manifestFile, { bigint: true }).mtimeNs - RACY_NS) {
      if (contentHash(manifest.inputs) !== manifest.hash) return null;
      try {
        writeManifest({ ...manifest, stamp });
      } catch {
        // A read-only project folder: hash again next time.
      }
    }
    return join(cacheFolder, manifest.hash.slice(0, 24), 'run.mjs');
  } catch {
    return null; // no manifest yet, or a source file gone
  }
}

/**
 * Packages bundled (tree-shaken) instead of loaded from node_modules: simple-statistics is one 167 kB ES module
 * of which the engine uses seven functions; loading it whole cost 11–29 ms of every start (decision 021,
 * addendum h46). Pure functions, the same code either way.
 */
const BUNDLED_PACKAGES = new Set(['simple-statistics']);

/** esbuild plugin: packages are external (but BUNDLED_PACKAGES); `import.meta.url` of a project source is its own file's URL. */
const sourcesAsTheyAre = {
  name: 'sources-as-they-are',
  setup(build) {
    build.onResolve({ filter: /^[^./~]/ }, (args) =>
      args.kind === 'entry-point' || BUNDLED_PACKAGES.has(args.path) ? undefined : { path: args.path, external: true },
    );
    build.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};

/** Builds the bundle into the cache; returns its entry file, or null where esbuild is missing or fails. */
async function build() {
  let esbuild;
  try {
    const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
    esbuild = fromTsx('esbuild');
  } catch {
    return null;
  }
  const temporary = join(cacheFolder, `.build-${process.pid}-${Date.now()}`);
  try {
    const result = await esbuild.build({
      entryPoints: { run: entry },
      absWorkingDir: root,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node}`,
      outdir: temporary,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunk-[hash]',
      metafile: true,
      logLevel: 'silent',
      plugins: [sourcesAsTheyAre],
    });
    const inputs = Object.keys(result.metafile.inputs)
      .map((input) => relative(root, resolve(root, input)))
      .sort();
    // The stamp first: a source changed during the build changes it, and its hash is then not trusted.
    const { stamp } = statStamp(inputs);
    const hash = contentHash(inputs);
    const folder = join(cacheFolder, hash.slice(0, 24));
    try {
      renameSync(temporary, folder);
    } catch {
      rmSync(temporary, { recursive: true, force: true }); // another process built the same sources first
    }
    writeManifest({ version: BUILD_VERSION, hash, inputs, stamp });
    return join(folder, 'run.mjs');
  } catch {
    rmSync(temporary, { recursive: true, force: true });
    return null;
  }
}

/** The sources through tsx (registered here unless the process already runs under it). */
async function fromSources() {
  try {
    return await import(pathToFileURL(entry).href);
  } catch (error) {
    if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    const { register } = await import('tsx/esm/api');
    register();
    return await import(pathToFileURL(entry).href);
  }
}

/** Runs the command line on `argv`; resolves to the exit status. */
export async function runCli(argv) {
  let file = cachedEntry();
  if (file === null) {
    try {
      mkdirSync(cacheFolder, { recursive: true });
      file = await build();
    } catch {
      file = null; // a read-only project folder: the sources, through tsx
    }
  }
  const cli = file === null ? await fromSources() : await import(pathToFileURL(file).href);
  return cli.main(argv);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await runCli(process.argv.slice(2));
}
