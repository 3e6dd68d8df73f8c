// Removes, from package-lock.json, optional dependencies that the lock has no entry for.
// The registry these machines reach serves only some platforms' optional binaries (e.g. rollup's
// linux-x64 package but not its darwin one); `npm install` then leaves them out of the lock, and
// `npm ci` refuses a lock that names an optional dependency without its entry. Run after `npm install`.
import fs from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages ?? {};
let removed = 0;

function resolves(fromPath, name) {
  // Node resolution inside the lock: nested node_modules first, then each parent up to the root.
  let base = fromPath;
  while (true) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return true;
    if (!base) return false;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

for (const [path, entry] of Object.entries(packages)) {
  const optional = entry.optionalDependencies;
  if (!optional) continue;
  for (const name of Object.keys(optional)) {
    if (!resolves(path, name)) {
      delete optional[name];
      removed++;
    }
  }
  if (Object.keys(optional).length === 0) delete entry.optionalDependencies;
}
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json : ${removed} dépendances optionnelles absentes du registre retirées.`);
