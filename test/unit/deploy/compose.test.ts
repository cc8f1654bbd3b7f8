import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseDockerfile } from '../../helpers/dockerfile.ts';

/**
 * There is no Docker engine here: read docker-compose.yml and the two Dockerfiles and check
 * what docs/deploy.md (and the README's "Deploy" section) promise about them.
 */
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const read = (path: string) => readFileSync(join(repo, path), 'utf8');

const service = z.object({
  build: z.object({ context: z.string(), dockerfile: z.string() }),
  environment: z.record(z.string(), z.string()),
  volumes: z.array(z.string()),
  networks: z.array(z.string()),
  ports: z.array(z.string()).optional(),
  env_file: z.unknown().optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string(), required: z.boolean().optional() })).optional(),
  read_only: z.boolean().optional(),
  cap_drop: z.array(z.string()).optional(),
  security_opt: z.array(z.string()).optional(),
  healthcheck: z.object({ test: z.array(z.string()).min(2) }),
});
const compose = z
  .object({
    services: z.object({ app: service, kernels: service }),
    networks: z.record(z.string(), z.object({ internal: z.boolean().optional() }).nullable()),
    volumes: z.record(z.string(), z.unknown()),
  })
  .parse(parse(read('docker-compose.yml')));
const { app, kernels } = compose.services;
const appImage = parseDockerfile(join(repo, app.build.dockerfile));
const kernelImage = parseDockerfile(join(repo, kernels.build.dockerfile));
const deployDoc = read('docs/deploy.md');

/** `talkbook-data:/data` → { volume: 'talkbook-data', target: '/data' } */
const mount = (spec: string) => {
  const [volume, target] = spec.split(':');
  return { volume: volume!, target: target! };
};
/** The packages a shell `packages=$(…)` line installs, run for real against the list. */
function packagesOf(script: string): string[] {
  const command = /packages="?\$\((.*?)\)"?\s*(?:&&|$)/m.exec(script)?.[1];
  if (!command) throw new Error(`no packages=$(…) line in: ${script.slice(0, 200)}`);
  const output = execFileSync('sh', ['-c', command.replace(/\S*debian-packages\.txt/, join(repo, 'kernel-config/debian-packages.txt'))], {
    cwd: repo,
    encoding: 'utf8',
  });
  return output.split(/\s+/).filter(Boolean).sort();
}
/** The list as scripts/ensure.mjs reads it. */
const listed = read('kernel-config/debian-packages.txt')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean);
const runtimePackages = listed.filter((line) => !line.includes('@test')).sort();
const allPackages = listed.map((line) => line.replace('@test', '').trim()).sort();

describe('docker-compose.yml', () => {
  it('builds the app from ./Dockerfile and the kernels from kernel-config/Dockerfile', () => {
    expect(app.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(kernels.build).toEqual({ context: '.', dockerfile: 'kernel-config/Dockerfile' });
    expect(existsSync(join(repo, 'Dockerfile'))).toBe(true);
    expect(existsSync(join(repo, 'kernel-config/Dockerfile'))).toBe(true);
  });

  it('points the app at the kernel service with one required shared token', () => {
    const port = kernelImage.cmd?.find((arg) => arg.startsWith('--ServerApp.port='))?.split('=')[1];
    expect(app.environment.JUPYTER_URL).toBe(`http://kernels:${port}`);
    expect(app.environment.JUPYTER_TOKEN).toMatch(/^\$\{JUPYTER_TOKEN:\?/);
    expect(kernels.environment.JUPYTER_TOKEN).toBe(app.environment.JUPYTER_TOKEN);
    expect(app.depends_on).toEqual({ kernels: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy', required: false } });
  });

  it('gives the kernel service no secrets but its own token', () => {
    expect(Object.keys(kernels.environment)).toEqual(['JUPYTER_TOKEN']);
    expect(kernels.env_file).toBeUndefined();
    const secretLike = /OPENAI|TALKBOOK_TOKEN|API_KEY|SECRET|PASSWORD/;
    expect(Object.keys(kernelImage.env).filter((name) => secretLike.test(name))).toEqual([]);
    expect(read('kernel-config/Dockerfile')).not.toMatch(secretLike);
  });

  it('keeps the kernels on an internal network with no route out, the app on both', () => {
    for (const name of kernels.networks) expect(compose.networks[name]?.internal).toBe(true);
    expect(app.networks).toEqual(expect.arrayContaining(kernels.networks));
    expect(app.networks.some((name) => !compose.networks[name]?.internal)).toBe(true);
  });

  it('keeps conversations and workspaces in named volumes', () => {
    const data = app.volumes.map(mount);
    expect(data).toContainEqual({ volume: expect.any(String), target: app.environment.TALKBOOK_DATA_DIR });
    const rootDir = kernelImage.cmd?.find((arg) => arg.startsWith('--ServerApp.root_dir='))?.split('=')[1];
    expect(kernels.volumes.map(mount)).toContainEqual({ volume: expect.any(String), target: rootDir });
    for (const { volume } of [...data, ...kernels.volumes.map(mount)]) expect(compose.volumes).toHaveProperty(volume);
  });

  it('has health checks that ask the servers themselves', () => {
    expect(app.healthcheck.test.join(' ')).toContain(`127.0.0.1:${app.environment.PORT}/api/health`);
    expect(kernels.healthcheck.test.join(' ')).toContain('/api/status');
  });

  it('hardens the kernel service', () => {
    expect(kernels.read_only).toBe(true);
    expect(kernels.cap_drop).toEqual(['ALL']);
    expect(kernels.security_opt).toContain('no-new-privileges:true');
    expect(kernels.ports).toBeUndefined();
  });

  it('sets only variables Talkbook reads, and documents every one of them', () => {
    const config = read('server/config.ts');
    for (const name of Object.keys(app.environment)) expect(config).toContain(`${name}:`);
    const interpolated = [...read('docker-compose.yml').matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]!);
    for (const name of new Set([...Object.keys(app.environment), ...Object.keys(kernels.environment), ...interpolated])) {
      expect(deployDoc, `docs/deploy.md should document ${name}`).toContain(`\`${name}\``);
    }
  });
});

describe('the kernel image (kernel-config/Dockerfile)', () => {
  it('is Debian bookworm and runs as a user that is not root', () => {
    expect(kernelImage.from).toEqual(['debian:bookworm-slim']);
    expect(kernelImage.user).toBeDefined();
    expect(kernelImage.user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('installs exactly the runtime packages of kernel-config/debian-packages.txt, as .ci/run does', () => {
    const installs = kernelImage.run.filter((run) => run.includes('apt-get install'));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toContain('apt-get install -y -qq --no-install-recommends $packages');
    expect(packagesOf(installs[0]!)).toEqual(runtimePackages);
    const ci = read('.ci/run');
    expect(ci).toContain('--no-install-recommends $packages');
    expect(packagesOf(ci)).toEqual(allPackages);
  });

  it('has what the README promises kernels can use', () => {
    for (const name of ['python3-ipykernel', 'python3-pandas', 'python3-numpy', 'python3-matplotlib', 'python3-scipy', 'python3-sklearn', 'python3-seaborn', 'python3-openpyxl', 'r-cran-irkernel']) {
      expect(runtimePackages).toContain(name);
    }
  });

  it('serves Talkbook\'s kernel specs on 0.0.0.0:8888 with the token from the environment', () => {
    expect(kernelImage.cmd?.slice(0, 3)).toEqual(['python3', '-m', 'jupyter_server']);
    expect(kernelImage.cmd).toContain('--config=/opt/talkbook/kernel-config/jupyter_server_config.py');
    expect(kernelImage.cmd).toContain('--ServerApp.ip=0.0.0.0');
    expect(kernelImage.cmd).toContain('--ServerApp.port=8888');
    expect(kernelImage.cmd?.join(' ')).not.toMatch(/token/i);
    expect(kernelImage.env.JUPYTER_PATH).toBe('/opt/talkbook/kernel-config');
    expect(JSON.parse(kernelImage.env.TALKBOOK_SANDBOX!)).toMatchObject({ enabled: false, workspaceRoot: '/home/kernel/workspaces' });
  });
});

describe('the app image (Dockerfile)', () => {
  it('builds with npm ci and the client build on node 20 bookworm, and runs as a user that is not root', () => {
    expect(new Set(appImage.from)).toEqual(new Set(['node:20-bookworm-slim']));
    expect(appImage.run[0]).toMatch(/^npm ci\b/);
    expect(appImage.run.some((run) => run.startsWith('npm run build'))).toBe(true);
    const scripts = z.object({ scripts: z.object({ build: z.string() }) }).parse(JSON.parse(read('package.json')));
    expect(scripts.scripts.build).toContain('vite build');
    expect(appImage.user).toBe('node');
    expect(appImage.cmd).toEqual(['node', '--import', 'tsx', 'server/index.ts']);
    expect(appImage.env.TALKBOOK_DATA_DIR).toBe(app.environment.TALKBOOK_DATA_DIR);
  });

  it('sends neither secrets nor local state into the build', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    for (const entry of ['.env', '.git', '**/node_modules', 'data', 'client/dist']) expect(ignored).toContain(entry);
  });
});

describe('the documentation', () => {
  it('docs/deploy.md and the README\'s Deploy section describe these files', () => {
    expect(deployDoc).toContain('docker compose up');
    const readme = read('README.md');
    const deploy = /^## Deploy\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
    // Until the README has a Deploy section, docs/deploy.md is the whole promise.
    if (deploy) {
      expect(deploy).toContain('docker compose');
      expect(deploy).toContain('docs/deploy.md');
    }
  });
});
