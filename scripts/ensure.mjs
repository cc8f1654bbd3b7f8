#!/usr/bin/env node
// Make a fresh clone runnable: npm dependencies, the Debian packages of the kernel side, and the
// built client. Used by `npm start` (--start) and `npm test` (--test). Plain Node, no deps.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv.includes('--test') ? 'test' : 'start';
const python = process.env.TALKBOOK_PYTHON || '/usr/bin/python3';
const say = (message) => console.error(`[talkbook setup] ${message}`);

function run(command, args, options = {}) {
  say(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    say(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

// 1. npm dependencies
const installedLock = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installedLock) || newestMtime(join(root, 'package-lock.json')) > newestMtime(installedLock)) {
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// 2. Debian packages (only where Talkbook runs its own Jupyter)
const wanted = readFileSync(join(root, 'kernel-config', 'debian-packages.txt'), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean)
  .filter((line) => mode === 'test' || !line.includes('@test'))
  .map((line) => line.replace('@test', '').trim());

function missingPackages() {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...wanted], { encoding: 'utf8' });
  const installed = new Set(
    (result.stdout || '')
      .split('\n')
      .filter((line) => line.endsWith('install ok installed'))
      .map((line) => line.split(' ')[0]),
  );
  return wanted.filter((name) => !installed.has(name));
}

const needsLocalJupyter = mode === 'test' || !process.env.JUPYTER_URL;
if (needsLocalJupyter && existsSync('/usr/bin/dpkg-query')) {
  const missing = missingPackages();
  if (missing.length) {
    const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
    if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
      run('sh', ['-c', command], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } else {
      say(`Missing Debian packages: ${missing.join(', ')}. Install them with:\n\n  sudo sh -c '${command}'\n`);
      process.exit(1);
    }
  }
}
if (needsLocalJupyter) {
  try {
    execFileSync(python, ['-c', 'import jupyter_server, ipykernel'], { stdio: 'ignore' });
  } catch {
    say(`${python} cannot import jupyter_server and ipykernel. Install the packages in kernel-config/debian-packages.txt, set TALKBOOK_PYTHON, or point JUPYTER_URL at a running Jupyter server.`);
    process.exit(1);
  }
}

// 3. The client bundle
const dist = join(root, 'client', 'dist', 'index.html');
const sources = Math.max(newestMtime(join(root, 'client')), newestMtime(join(root, 'server', 'protocol')));
if (existsSync(join(root, 'client', 'index.html')) && (!existsSync(dist) || sources > statSync(dist).mtimeMs)) {
  run('npx', ['vite', 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn']);
}
