import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The server's folders in layers, lowest first: a module may import its own folder and any
 * folder of a lower layer, never one above it or beside it (README, "Architecture"). Data flows
 * one way; a type lives with the layer that owns it.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['protocol'],
  ['config.ts'],
  ['log.ts'],
  ['errors.ts', 'ids.ts'],
  ['llm', 'jupyter', 'store', 'events', 'server-identity.ts'],
  ['kernel', 'accounts'],
  ['files'],
  ['conversation'],
  ['assistant', 'notebook', 'checkpoints'],
  ['http'],
  ['talkbook.ts'],
  ['index.ts', 'cli.ts'],
];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const server = join(root, 'server');

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : files(path, pattern);
    return pattern.test(entry.name) ? [path] : [];
  });
}

function imports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm), ...source.matchAll(/import\('([^']+)'\)/g)].map((m) => m[1]!);
}

/** `server/kernel/x.ts` → `kernel`; `server/config.ts` → `config.ts`. */
const unitOf = (file: string) => relative(server, file).split('/')[0]!;
const layerOf = (unit: string) => LAYERS.findIndex((layer) => layer.includes(unit));

describe('the server\'s layers', () => {
  const sources = files(server, /\.ts$/);

  it('knows every folder and top-level file of server/', () => {
    const unknown = [...new Set(sources.map(unitOf))].filter((unit) => layerOf(unit) < 0);
    expect(unknown).toEqual([]);
  });

  it('imports only downward (or within a folder)', () => {
    const violations: string[] = [];
    for (const file of sources) {
      const from = unitOf(file);
      for (const specifier of imports(file)) {
        if (!specifier.startsWith('.')) continue;
        const target = resolve(dirname(file), specifier);
        if (!target.startsWith(server)) {
          violations.push(`${relative(root, file)} imports ${specifier} outside server/`);
          continue;
        }
        const to = unitOf(target);
        if (to === from) continue;
        if (layerOf(to) >= layerOf(from)) violations.push(`${relative(root, file)} (${from}) imports ${relative(root, target)} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps server/protocol pure: zod only, no Node or DOM', () => {
    const impure = files(join(server, 'protocol'), /\.ts$/).flatMap((file) =>
      imports(file)
        .filter((specifier) => !specifier.startsWith('./') && specifier !== 'zod')
        .map((specifier) => `${relative(root, file)} imports ${specifier}`),
    );
    expect(impure).toEqual([]);
  });

  it('keeps the OpenID client behind one wall: only server/accounts/oidc/oidc-client.ts imports openid-client', () => {
    const importers = sources.filter((file) => imports(file).includes('openid-client')).map((file) => relative(root, file));
    expect(importers).toEqual(['server/accounts/oidc/oidc-client.ts']);
  });

  it('lets the client import only the shared protocol of the server', () => {
    const reaching = files(join(root, 'client', 'src'), /\.tsx?$/).flatMap((file) =>
      imports(file)
        .filter((specifier) => specifier.startsWith('.') && resolve(dirname(file), specifier).startsWith(server))
        .filter((specifier) => !resolve(dirname(file), specifier).startsWith(join(server, 'protocol')))
        .map((specifier) => `${relative(root, file)} imports ${specifier}`),
    );
    expect(reaching).toEqual([]);
  });
});
