import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

/** A Kubernetes object as far as the deploy tests read it. */
export const k8sObject = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional(), labels: z.record(z.string(), z.string()).optional(), annotations: z.record(z.string(), z.string()).optional() }),
});
export type K8sObject = z.infer<typeof k8sObject>;

const kustomization = z.object({
  kind: z.enum(['Kustomization', 'Component']),
  resources: z.array(z.string()).default([]),
  components: z.array(z.string()).default([]),
});

/** Every YAML document of a file, parsed (a syntax error throws with the file's name). */
export function yamlDocuments(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((document) => {
    if (document.errors.length) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
    return document.toJS();
  });
}

/**
 * The objects a kustomization folder brings in, following `resources` and `components` as
 * kustomize does (files and folders, recursively); patches, images and labels are not applied.
 */
export function kustomizeResources(folder: string): K8sObject[] {
  const spec = kustomization.parse(yamlDocuments(join(folder, 'kustomization.yaml'))[0]);
  return [...spec.resources, ...spec.components].flatMap((entry) => {
    const path = join(folder, entry);
    if (entry.endsWith('.yaml') || entry.endsWith('.yml')) return yamlDocuments(path).map((document) => k8sObject.parse(document));
    return kustomizeResources(path);
  });
}

export const repoPath = (...parts: string[]) => join(dirname(dirname(import.meta.dirname)), ...parts);
