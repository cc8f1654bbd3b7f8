import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENV_NAMES } from '../../../server/config.ts';
import { probeRoutes } from '../../../server/http/probe-routes.ts';
import { freePort } from '../../helpers/free-port.ts';
import { kustomizeResources, repoPath, yamlDocuments, type K8sObject } from '../../helpers/k8s-manifests.ts';

/**
 * deploy/k8s has no cluster to run on here: parse every manifest, follow the kustomizations as
 * kustomize would, and check what docs/scaling.md promises of them.
 */
const k8s = repoPath('deploy', 'k8s');
const overlay = kustomizeResources(join(k8s, 'overlays', 'example'));

const probe = z.looseObject({ httpGet: z.object({ path: z.string(), port: z.union([z.string(), z.number()]) }).optional(), exec: z.object({ command: z.array(z.string()) }).optional() });
const container = z.object({
  name: z.string(),
  image: z.string(),
  ports: z.array(z.object({ name: z.string(), containerPort: z.number() })).default([]),
  env: z.array(z.object({ name: z.string(), value: z.string().optional(), valueFrom: z.looseObject({ secretKeyRef: z.object({ name: z.string(), key: z.string(), optional: z.boolean().optional() }).optional() }).optional() })).default([]),
  envFrom: z.array(z.object({ configMapRef: z.object({ name: z.string() }) })).default([]),
  readinessProbe: probe,
  livenessProbe: probe,
  startupProbe: probe.optional(),
  lifecycle: z.object({ preStop: z.object({ exec: z.object({ command: z.array(z.string()) }) }) }).optional(),
  resources: z.object({ requests: z.object({ cpu: z.string(), memory: z.string() }), limits: z.object({ memory: z.string() }) }),
  securityContext: z.looseObject({ runAsNonRoot: z.literal(true), allowPrivilegeEscalation: z.literal(false), capabilities: z.object({ drop: z.array(z.literal('ALL')) }) }),
});
const workload = z.looseObject({
  kind: z.enum(['Deployment', 'StatefulSet']),
  metadata: z.object({ name: z.string() }).loose(),
  spec: z.looseObject({
    replicas: z.number().int(),
    selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
    template: z.object({
      metadata: z.object({ labels: z.record(z.string(), z.string()) }),
      spec: z.looseObject({
        terminationGracePeriodSeconds: z.number().int().optional(),
        automountServiceAccountToken: z.literal(false),
        securityContext: z.looseObject({ runAsNonRoot: z.literal(true) }),
        containers: z.array(container).min(1),
      }),
    }),
  }),
});
const service = z.looseObject({ spec: z.looseObject({ selector: z.record(z.string(), z.string()), ports: z.array(z.object({ name: z.string(), port: z.number(), targetPort: z.union([z.string(), z.number()]) }).loose()) }) });
const pdb = z.looseObject({ spec: z.looseObject({ maxUnavailable: z.number().int().optional(), minAvailable: z.number().int().optional(), selector: z.object({ matchLabels: z.record(z.string(), z.string()) }) }) });
const ingress = z.looseObject({
  metadata: z.looseObject({ annotations: z.record(z.string(), z.string()) }),
  spec: z.looseObject({
    ingressClassName: z.literal('nginx'),
    rules: z.array(z.object({ host: z.string(), http: z.object({ paths: z.array(z.object({ path: z.string(), backend: z.object({ service: z.object({ name: z.string(), port: z.object({ name: z.string() }) }) }) }).loose()) }) })),
  }),
});

const ofKind = (kind: string) => overlay.filter((object) => object.kind === kind);
const named = (kind: string, name: string): K8sObject => {
  const found = overlay.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the example overlay`);
  return found;
};
const talkbook = workload.parse(named('Deployment', 'talkbook'));
const server = talkbook.spec.template.spec.containers[0]!;
const configMap = z.object({ data: z.record(z.string(), z.string()) }).parse(named('ConfigMap', 'talkbook')).data;
const secret = z.object({ stringData: z.record(z.string(), z.string()) }).parse(named('Secret', 'talkbook')).stringData;
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('the Kubernetes manifests (deploy/k8s)', () => {
  it('every YAML file parses and is a known kind', async () => {
    const files: string[] = [];
    const walk = async (folder: string) => {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.name.endsWith('.yaml')) files.push(path);
      }
    };
    await walk(k8s);
    expect(files.length).toBeGreaterThanOrEqual(14);
    for (const file of files) expect(yamlDocuments(file).length, file).toBeGreaterThan(0);
    expect(new Set(overlay.map((object) => object.kind))).toEqual(new Set(['Namespace', 'Secret', 'ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget', 'Ingress', 'StatefulSet']));
  });

  it('every workload has probes, resources, a non-root security context and a selector matching its pods', () => {
    const workloads = [...ofKind('Deployment'), ...ofKind('StatefulSet')].map((object) => workload.parse(object));
    expect(workloads.map((each) => each.metadata.name).sort()).toEqual(['talkbook', 'talkbook-postgres']);
    for (const each of workloads) expect(selects(each.spec.selector.matchLabels, each.spec.template.metadata.labels), each.metadata.name).toBe(true);
  });

  it('the Talkbook servers are several, probed on routes the server has, and drain within their grace period', async () => {
    expect(talkbook.spec.replicas).toBeGreaterThanOrEqual(2);
    const routes = probeRoutes({ jupyterReady: async () => true });
    for (const path of [server.readinessProbe.httpGet?.path, server.livenessProbe.httpGet?.path, server.startupProbe?.httpGet?.path]) {
      expect((await routes.request(path!)).status, path).toBe(200);
    }
    // Readiness is the probe that fails while the server drains; liveness must not.
    expect((await probeRoutes({ jupyterReady: async () => true, draining: () => true }).request(server.readinessProbe.httpGet!.path)).status).toBe(503);
    expect((await probeRoutes({ jupyterReady: async () => true, draining: () => true }).request(server.livenessProbe.httpGet!.path)).status).toBe(200);
    const [sleep, seconds] = server.lifecycle!.preStop.exec.command;
    expect(sleep).toBe('sleep');
    expect(Number(seconds)).toBeGreaterThan(0);
    expect(talkbook.spec.template.spec.terminationGracePeriodSeconds!).toBeGreaterThan(Number(seconds) + 30);
  });

  it('sets only environment variables server/config.ts reads, secrets from the Secret', () => {
    // A variable only other values interpolate (`$(POD_IP)`) is Kubernetes', not Talkbook's.
    const interpolated = new Set(server.env.flatMap((entry) => [...(entry.value ?? '').matchAll(/\$\((\w+)\)/g)].map((match) => match[1]!)));
    const names = [...server.env.map((entry) => entry.name).filter((name) => !interpolated.has(name)), ...Object.keys(configMap)];
    for (const name of names) expect(ENV_NAMES, name).toContain(name);
    for (const name of ['TALKBOOK_SERVER_ID', 'TALKBOOK_INTERNAL_URL']) expect(server.env.map((entry) => entry.name), name).toContain(name);
    expect(server.envFrom.map((from) => from.configMapRef.name)).toEqual(['talkbook']);
    for (const name of ['DATABASE_URL', 'JUPYTER_TOKEN', 'TALKBOOK_TOKEN']) {
      const ref = server.env.find((entry) => entry.name === name)?.valueFrom?.secretKeyRef;
      expect(ref, name).toMatchObject({ name: 'talkbook', key: name });
      expect(Object.keys(secret)).toContain(name);
    }
    expect(configMap.HOST).toBe('0.0.0.0');
    expect(server.ports.map((port) => port.containerPort)).toEqual([Number(configMap.PORT)]);
    // The database the StatefulSet makes is the one DATABASE_URL names.
    const url = new URL(secret.DATABASE_URL!);
    expect(url.hostname).toBe(named('Service', 'talkbook-postgres').metadata.name);
    expect(decodeURIComponent(url.password)).toBe(secret.POSTGRES_PASSWORD);
  });

  it('the Service and the PodDisruptionBudget select the Talkbook pods, and the Ingress sends to the Service', () => {
    const labels = talkbook.spec.template.metadata.labels;
    const svc = service.parse(named('Service', 'talkbook'));
    expect(selects(svc.spec.selector, labels)).toBe(true);
    expect(server.ports.map((port) => port.name)).toContain(svc.spec.ports[0]!.targetPort);
    const budget = pdb.parse(named('PodDisruptionBudget', 'talkbook'));
    expect(selects(budget.spec.selector.matchLabels, labels)).toBe(true);
    expect(budget.spec.maxUnavailable ?? talkbook.spec.replicas - budget.spec.minAvailable!).toBeLessThan(talkbook.spec.replicas);
    const backend = ingress.parse(named('Ingress', 'talkbook')).spec.rules[0]!.http.paths[0]!.backend.service;
    expect(backend).toEqual({ name: 'talkbook', port: { name: svc.spec.ports[0]!.name } });
  });

  it('the Ingress hashes by conversation and keeps sockets and the event stream open', () => {
    const { annotations } = ingress.parse(named('Ingress', 'talkbook')).metadata;
    expect(annotations['nginx.ingress.kubernetes.io/upstream-hash-by']).toBe('$talkbook_conversation');
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(3600);
    expect(annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    // No snippet annotation: those need the controller's allow-snippet-annotations.
    expect(Object.keys(annotations).filter((key) => key.endsWith('-snippet'))).toEqual([]);
  });

  it("the controller's map (Helm values and plain ConfigMap alike) takes the conversation id from the path, in Debian's nginx", async () => {
    const helm = z.object({ controller: z.object({ config: z.object({ 'http-snippet': z.string() }) }) }).parse(yamlDocuments(join(k8s, 'ingress-nginx', 'values.yaml'))[0]);
    const plain = z.object({ data: z.object({ 'http-snippet': z.string() }) }).parse(yamlDocuments(join(k8s, 'ingress-nginx', 'controller-configmap.yaml'))[0]);
    const strip = (snippet: string) => snippet.replace(/#.*$/gm, '').replace(/\s+/g, ' ').trim();
    expect(strip(plain.data['http-snippet'])).toBe(strip(helm.controller.config['http-snippet']));

    const dir = await mkdtemp(join(tmpdir(), 'talkbook-ingress-map-'));
    const port = await freePort();
    await writeFile(
      join(dir, 'nginx.conf'),
      `daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log; events {}
       http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
         ${helm.controller.config['http-snippet']}
         server { listen 127.0.0.1:${port}; location / { return 200 "$talkbook_conversation"; } } }`,
    );
    const nginx = execFile('/usr/sbin/nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')]);
    try {
      const hashOf = async (path: string): Promise<string> => {
        for (;;) {
          try {
            return await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
          } catch (error) {
            if (nginx.exitCode !== null) throw new Error(`nginx exited: ${String(error)}`);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      };
      for (const path of ['/api/conversations/c0ffee', '/api/conversations/c0ffee/ws?after=12', '/api/conversations/c0ffee/files/data.csv', '/api/conversations/c0ffee/export']) {
        expect(await hashOf(path), path).toBe('c0ffee');
      }
      // Not a conversation's: spread by request id (32 hex digits, different each time).
      for (const path of ['/api/conversations/events', '/api/conversations/import', '/api/conversations', '/c/c0ffee']) {
        const [first, second] = [await hashOf(path), await hashOf(path)];
        expect(first, path).toMatch(/^[0-9a-f]{32}$/);
        expect(second).not.toBe(first);
      }
    } finally {
      nginx.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("Enterprise Gateway's values match what Talkbook is configured with (docs/scaling.md)", () => {
    const values = z
      .object({
        service: z.object({ ports: z.array(z.object({ port: z.number() }).loose()) }).loose(),
        authToken: z.string(),
        deployment: z.object({ extraEnv: z.record(z.string(), z.string()) }).loose(),
        kernel: z.object({ allowedKernels: z.array(z.string()), defaultKernelName: z.string(), cullIdleTimeout: z.number(), launchTimeout: z.number() }).loose(),
        kip: z.object({ enabled: z.boolean() }),
      })
      .parse(yamlDocuments(join(k8s, 'enterprise-gateway', 'values.yaml'))[0]);
    expect(values.authToken).toBe('');
    expect(values.kernel.defaultKernelName).toBe(configMap.TALKBOOK_DEFAULT_KERNEL);
    expect(values.kernel.allowedKernels).toContain(configMap.TALKBOOK_DEFAULT_KERNEL);
    expect(values.kernel.cullIdleTimeout).toBeGreaterThan(Number(configMap.TALKBOOK_KERNEL_IDLE_MINUTES) * 60);
    expect(values.kernel.launchTimeout).toBeLessThanOrEqual(60);
    expect(values.deployment.extraEnv.EG_LIST_KERNELS).toBe('True');
    expect(values.kip.enabled).toBe(true);
    expect(Number(new URL(configMap.JUPYTER_URL!).port)).toBe(values.service.ports[0]!.port);
  });

  it('the overlay sets the image the Deployment names', () => {
    const spec = z.object({ images: z.array(z.object({ name: z.string(), newName: z.string() })) }).parse(yamlDocuments(join(k8s, 'overlays', 'example', 'kustomization.yaml'))[0]);
    expect(spec.images.map((image) => image.name)).toContain(server.image.split(':')[0]);
  });
});
