/**
 * Renders a kustomization the way `kustomize build` does, for the parts ShopIQ's
 * manifests use: resources (files and directories), components, namespace, labels
 * (metadata only), images, and patches (strategic merge, lists of named items merged
 * by name; or JSON 6902), each with an optional target (kind, name, labelSelector).
 * The manifests test compares its output with `kubectl kustomize` where kubectl is
 * installed, so the two cannot drift apart unnoticed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

interface Target {
  kind?: string;
  name?: string;
  labelSelector?: string;
}

interface Patch {
  path?: string;
  patch?: string;
  target?: Target;
}

interface Kustomization {
  kind?: string;
  namespace?: string;
  resources?: string[];
  components?: string[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: Patch[];
}

/** Kinds that live outside namespaces (of those ShopIQ's manifests hold). */
const CLUSTER_SCOPED = new Set(['Namespace']);

export function readYamlObjects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

export function readKustomization(dir: string): Kustomization {
  const file = path.join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir} has no kustomization.yaml`);
  return readYamlObjects(file)[0] as unknown as Kustomization;
}

export function kustomize(dir: string): K8sObject[] {
  const k = readKustomization(dir);
  let objects: K8sObject[] = [];
  for (const resource of k.resources ?? []) {
    const at = path.resolve(dir, resource);
    objects.push(...(statSync(at).isDirectory() ? kustomize(at) : readYamlObjects(at)));
  }
  for (const component of k.components ?? []) objects = applyComponent(path.resolve(dir, component), objects);
  objects = transform(dir, k, objects);
  return objects;
}

function applyComponent(dir: string, objects: K8sObject[]): K8sObject[] {
  const k = readKustomization(dir);
  if (k.kind !== 'Component') throw new Error(`${dir} is not a Component`);
  const added = (k.resources ?? []).flatMap((r) => readYamlObjects(path.resolve(dir, r)));
  return transform(dir, k, [...objects, ...added]);
}

function transform(dir: string, k: Kustomization, input: K8sObject[]): K8sObject[] {
  let objects = input.map((o) => structuredClone(o));
  for (const p of k.patches ?? []) objects = applyPatch(dir, p, objects);
  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  for (const { pairs, includeSelectors } of k.labels ?? []) {
    if (includeSelectors) throw new Error('labels with includeSelectors are not rendered here');
    for (const o of objects) o.metadata.labels = { ...o.metadata.labels, ...pairs };
  }
  for (const image of k.images ?? []) {
    for (const container of objects.flatMap(containersOf)) {
      const [name, tag] = splitImage(container.image);
      if (name !== image.name) continue;
      container.image = `${image.newName ?? name}${(image.newTag ?? tag) ? `:${image.newTag ?? tag}` : ''}`;
    }
  }
  return objects;
}

export function containersOf(o: K8sObject): { name: string; image: string; [k: string]: unknown }[] {
  const pod = podSpecOf(o);
  return pod ? [...((pod.initContainers as []) ?? []), ...((pod.containers as []) ?? [])] : [];
}

export function podSpecOf(o: K8sObject): Record<string, unknown> | undefined {
  const spec = o.spec as { template?: { spec?: Record<string, unknown> } } | undefined;
  return spec?.template?.spec;
}

function splitImage(image: string): [string, string | undefined] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
}

function applyPatch(dir: string, p: Patch, objects: K8sObject[]): K8sObject[] {
  const text = p.path ? readFileSync(path.resolve(dir, p.path), 'utf8') : (p.patch ?? '');
  const docs = parseAllDocuments(text).map((d) => d.toJS());
  if (Array.isArray(docs[0])) {
    const ops = docs[0] as JsonPatchOp[];
    const targets = objects.filter((o) => p.target && matches(o, p.target));
    if (targets.length === 0) throw new Error(`JSON patch in ${dir} matches nothing`);
    for (const o of targets) for (const op of ops) applyJsonPatch(o, op);
    return objects;
  }
  for (const patch of docs as K8sObject[]) {
    const target: Target = p.target ?? { kind: patch.kind, name: patch.metadata.name };
    const targets = objects.filter((o) => matches(o, target));
    if (targets.length === 0) throw new Error(`patch ${p.path ?? ''} in ${dir} matches nothing`);
    for (const o of targets) {
      const { apiVersion: _a, kind: _k, metadata, ...rest } = patch;
      const { name: _n, ...meta } = metadata ?? {};
      Object.assign(o, mergeValue(o, { ...rest, metadata: meta }));
    }
  }
  return objects;
}

function matches(o: K8sObject, t: Target): boolean {
  if (t.kind && !new RegExp(`^(?:${t.kind})$`).test(o.kind)) return false;
  if (t.name && !new RegExp(`^(?:${t.name})$`).test(o.metadata.name)) return false;
  if (t.labelSelector) {
    for (const term of t.labelSelector.split(',')) {
      const [key = '', value] = term.split('=');
      if (o.metadata.labels?.[key.trim()] !== value?.trim()) return false;
    }
  }
  return true;
}

/** Strategic merge: maps merge, lists of named items merge by name, other lists are replaced. */
function mergeValue(base: unknown, patch: unknown): unknown {
  if (patch === null) return undefined;
  if (Array.isArray(patch)) {
    const named = (v: unknown[]) => v.every((x) => typeof x === 'object' && x !== null && 'name' in x);
    if (!Array.isArray(base) || !named(patch) || !named(base)) return structuredClone(patch);
    // as kustomize does: items only the patch has come first, in its order
    const out = base.map((x) => structuredClone(x)) as { name: string }[];
    const added: { name: string }[] = [];
    for (const item of patch as { name: string }[]) {
      const at = out.findIndex((x) => x.name === item.name);
      if (at < 0) added.push(structuredClone(item));
      else out[at] = mergeValue(out[at], item) as { name: string };
    }
    return [...added, ...out];
  }
  if (typeof patch === 'object' && typeof base === 'object' && base !== null && !Array.isArray(base)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
      const merged = mergeValue(out[key], value);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    }
    return out;
  }
  return structuredClone(patch);
}

interface JsonPatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

function applyJsonPatch(o: K8sObject, op: JsonPatchOp): void {
  const keys = op.path
    .split('/')
    .slice(1)
    .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
  const last = keys.pop() as string;
  let at: unknown = o;
  for (const key of keys) {
    at = (at as Record<string, unknown>)[key];
    if (at === undefined) throw new Error(`JSON patch path ${op.path} does not exist in ${o.kind}/${o.metadata.name}`);
  }
  if (Array.isArray(at)) {
    const index = last === '-' ? at.length : Number(last);
    if (op.op === 'add') at.splice(index, 0, structuredClone(op.value));
    else if (op.op === 'replace') at[index] = structuredClone(op.value);
    else at.splice(index, 1);
    return;
  }
  const parent = at as Record<string, unknown>;
  if (op.op === 'remove') {
    delete parent[last];
  } else {
    if (op.op === 'replace' && !(last in parent)) throw new Error(`JSON patch replaces a missing ${op.path}`);
    parent[last] = structuredClone(op.value);
  }
}
