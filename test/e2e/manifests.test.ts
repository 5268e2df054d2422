/**
 * The Kubernetes manifests (manifests/): both overlays render, every object is valid
 * against the Kubernetes schemas (offline, kubernetes-models), and what they tell
 * ShopIQ to do is something ShopIQ does: commands and roles the CLI has, settings
 * config.ts reads, every secret in the Secret template, probes and Ingress paths on
 * routes the service serves.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig, RUNTIME_SETTINGS, SECRET_SETTINGS, SETTINGS } from '../../src/config/config.ts';
import { closePool, openPool } from '../../src/db/pool.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { saveMedia } from '../../src/media/media-store.ts';
import { runCli } from '../support/cli.ts';
import {
  containersOf,
  type K8sObject,
  kustomize,
  podSpecOf,
  readKustomization,
  readYamlObjects,
} from '../support/kustomize.ts';
import { mockSlackApi, type SlackApiMock, slackEnv } from '../support/slack.ts';
import { TEST_KEY } from '../support/test-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { twilioEnv } from '../support/twilio-payloads.ts';

const MANIFESTS = path.resolve(import.meta.dirname, '../../manifests');
const OVERLAYS = ['production', 'in-cluster-postgres'] as const;
const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, kustomize(path.join(MANIFESTS, 'overlays', o))])) as Record<
  (typeof OVERLAYS)[number],
  K8sObject[]
>;
/** The production overlay with the optional MongoDB component added, in an overlay of the operator's own. */
const ownOverlay = mkdtempSync(path.join(os.tmpdir(), 'shopiq-overlay-'));
const rel = (p: string) => path.relative(ownOverlay, path.join(MANIFESTS, p));
writeFileSync(
  path.join(ownOverlay, 'kustomization.yaml'),
  `namespace: shopiq\nresources:\n  - ${rel('overlays/production')}\ncomponents:\n  - ${rel('components/mongodb')}\n`,
);
const withMongo = kustomize(ownOverlay);
afterAll(() => rmSync(ownOverlay, { recursive: true, force: true }));
const secretTemplate = readYamlObjects(path.join(MANIFESTS, 'base/secret-template.yaml'));
const mongoSecretTemplate = readYamlObjects(path.join(MANIFESTS, 'components/mongodb/secret-template.yaml'));

/** One rendered object, typed as the caller reads it. */
function find<T = K8sObject>(objects: K8sObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} is not rendered`);
  return found as unknown as T;
}
const shopiqWorkloads = (objects: K8sObject[]) =>
  objects.filter(
    (o) =>
      ['Deployment', 'Job'].includes(o.kind) &&
      o.metadata.name.startsWith('shopiq-') &&
      o.metadata.labels?.['app.kubernetes.io/name'] === 'shopiq',
  );

async function modelFor(o: K8sObject): Promise<{ new (data: unknown): { validate(): void } }> {
  const group = o.apiVersion.includes('cnpg.io') ? '@kubernetes-models/cloudnative-pg' : 'kubernetes-models';
  const module = (await import(`${group}/${o.apiVersion}`)) as Record<
    string,
    new (
      data: unknown,
    ) => { validate(): void }
  >;
  const model = module[o.kind];
  if (!model) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  return model;
}

describe('Kubernetes manifests', () => {
  it.each(OVERLAYS)('the %s overlay renders objects valid against the Kubernetes schemas', async (overlay) => {
    const objects = rendered[overlay];
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining([
        'Deployment/shopiq-web',
        'Deployment/shopiq-worker',
        'Service/shopiq-web',
        'Ingress/shopiq-web',
        'HorizontalPodAutoscaler/shopiq-web',
        'HorizontalPodAutoscaler/shopiq-worker',
        'PodDisruptionBudget/shopiq-web',
        'PodDisruptionBudget/shopiq-worker',
        'ConfigMap/shopiq-config',
        'Job/shopiq-migrate',
        'NetworkPolicy/shopiq',
      ]),
    );
    for (const o of objects) {
      const Model = await modelFor(o);
      expect(() => new Model(o).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
      if (o.kind !== 'Namespace') expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('shopiq');
    }
    if (overlay === 'in-cluster-postgres') expect(find(objects, 'Cluster', 'shopiq-db')).toBeDefined();
  });

  it('the Secret templates and the MongoDB component are valid too', async () => {
    const component = [...withMongo, ...readYamlObjects(path.join(MANIFESTS, 'components/mongodb/mongodb.yaml'))];
    for (const o of [...secretTemplate, ...mongoSecretTemplate, ...component]) {
      const Model = await modelFor(o);
      expect(() => new Model(o).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
  });

  it('renders as kubectl kustomize does, where kubectl is installed', (ctx) => {
    let kubectl = true;
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    } catch {
      kubectl = false;
    }
    if (!kubectl) ctx.skip();
    const key = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const sorted = (objects: K8sObject[]) => [...objects].sort((a, b) => key(a).localeCompare(key(b)));
    const kubectlBuild = (dir: string) =>
      parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map(
        (d) => d.toJS() as K8sObject,
      );
    for (const overlay of OVERLAYS) {
      expect(sorted(rendered[overlay]), overlay).toEqual(
        sorted(kubectlBuild(path.join(MANIFESTS, 'overlays', overlay))),
      );
    }
    expect(sorted(withMongo), 'with components/mongodb').toEqual(sorted(kubectlBuild(ownOverlay)));
  });

  it('runs the image entrypoint (shopiq) with commands and roles the CLI has', async () => {
    const runs = new Map<string, string[]>();
    for (const o of OVERLAYS.flatMap((overlay) => shopiqWorkloads(rendered[overlay]))) {
      const [container] = containersOf(o);
      expect(container?.command, `${o.metadata.name}: the image's entrypoint runs`).toBeUndefined();
      const args = container?.args as string[];
      if (o.kind === 'Deployment') {
        expect(args).toEqual(['start', '--role', o.metadata.labels?.['app.kubernetes.io/component']]);
      } else {
        expect(args).toEqual(['migrate']);
      }
      runs.set(args.join(' '), args);
    }
    expect([...runs.keys()].sort()).toEqual(['migrate', 'start --role web', 'start --role worker']);
    // the CLI parses each (an unknown command, option or role fails) and shows that command's help
    for (const args of runs.values()) {
      const { code, stdout, stderr } = await runCli([...args, '--help'], {});
      expect(code, `${args.join(' ')}: ${stderr}`).toBe(0);
      expect(stdout).toContain(`Usage: shopiq ${args[0]}`);
    }
    expect((await runCli(['start', '--role', 'scheduler', '--help'], {})).code).toBe(1);
  });

  it.each(OVERLAYS)('%s: names only settings ShopIQ reads, and keeps secrets in Secrets', (overlay) => {
    const objects = rendered[overlay];
    const known = new Set<string>([...SETTINGS, ...RUNTIME_SETTINGS]);
    const config = find(objects, 'ConfigMap', 'shopiq-config').data as Record<string, string>;
    for (const name of Object.keys(config)) expect(known, `ConfigMap ${name}`).toContain(name);
    for (const name of SECRET_SETTINGS) expect(Object.keys(config), 'a secret in the ConfigMap').not.toContain(name);
    for (const o of shopiqWorkloads(objects)) {
      for (const c of containersOf(o)) {
        for (const e of (c.env as { name: string; valueFrom?: { secretKeyRef?: unknown } }[]) ?? []) {
          expect(known, `${o.metadata.name} env ${e.name}`).toContain(e.name);
          if ((SECRET_SETTINGS as readonly string[]).includes(e.name)) expect(e.valueFrom?.secretKeyRef).toBeDefined();
        }
        expect(c.envFrom).toEqual([
          { configMapRef: { name: 'shopiq-config' } },
          { secretRef: { name: 'shopiq-secrets' } },
        ]);
      }
    }
    // the template lists every secret setting, and nothing else, without values
    const [secret] = secretTemplate;
    expect(secret?.metadata.name).toBe('shopiq-secrets');
    const template = secret?.stringData as Record<string, string>;
    expect(Object.keys(template).sort()).toEqual([...SECRET_SETTINGS].sort());
    expect(Object.values(template).every((v) => v === '')).toBe(true);
    // the Secret is not applied with the manifests, so applying them never blanks it
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
  });

  it('the settings given, with the template filled in, are a production configuration; without, it says what is missing', () => {
    const config = find(rendered.production, 'ConfigMap', 'shopiq-config').data as Record<string, string>;
    const template = secretTemplate[0]?.stringData as Record<string, string>;
    const options = { envFile: '/nonexistent/.env' };
    expect(() => loadConfig({ ...options, env: { ...config, ...template } })).toThrow(
      /DATABASE_URL: required|NODE_ENV=production needs DATABASE_URL/,
    );
    expect(() => loadConfig({ ...options, env: { ...config, ...template } })).toThrow(/ENCRYPTION_KEYS: required/);
    const filled = {
      ...template,
      DATABASE_URL: 'postgres://shopiq:pw@db.internal:5432/shopiq',
      ENCRYPTION_KEYS: TEST_KEY,
    };
    const parsed = loadConfig({ ...options, env: { ...config, ...filled } });
    expect(parsed.nodeEnv).toBe('production');
    expect(parsed.migrateOnStart).toBe(false);
    expect(parsed.demo).toBe(false);
    expect(parsed.metricsPort).toBe(9464);
    // each pod's grace period outlasts the shutdown it is given, preStop pause included
    for (const o of rendered.production.filter((x) => x.kind === 'Deployment')) {
      const pod = podSpecOf(o) as { terminationGracePeriodSeconds: number };
      const [container] = containersOf(o) as { lifecycle?: { preStop?: { sleep?: { seconds: number } } } }[];
      const preStopMs = (container?.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
      expect(pod.terminationGracePeriodSeconds * 1000, o.metadata.name).toBeGreaterThan(
        parsed.shutdownTimeoutMs + preStopMs,
      );
    }
  });

  it('in-cluster-postgres takes DATABASE_URL from the CloudNativePG Secret in every ShopIQ pod', () => {
    for (const o of shopiqWorkloads(rendered['in-cluster-postgres'])) {
      const [container] = containersOf(o);
      expect(container?.env, o.metadata.name).toEqual(
        expect.arrayContaining([
          { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'shopiq-db-app', key: 'uri' } } },
        ]),
      );
    }
    const cluster = find<{
      spec: { bootstrap: { initdb: { postInitApplicationSQL: string[] } } };
    }>(rendered['in-cluster-postgres'], 'Cluster', 'shopiq-db');
    // the reader role the migrations need, made once by the database's superuser
    expect(cluster.spec.bootstrap.initdb.postInitApplicationSQL.join(';')).toMatch(/CREATE ROLE shopiq_reader/);
  });

  it('runs non-root, read-only, with no capabilities, and within resource limits', () => {
    for (const o of shopiqWorkloads(rendered.production)) {
      const pod = podSpecOf(o) as { securityContext: Record<string, unknown>; automountServiceAccountToken: boolean };
      expect(pod.securityContext.runAsNonRoot, o.metadata.name).toBe(true);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of containersOf(o)) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.resources).toMatchObject({
          requests: { cpu: expect.any(String), memory: expect.any(String) },
          limits: { cpu: expect.any(String), memory: expect.any(String) },
        });
      }
    }
    // the MongoDB component's pod too
    const mongo = readYamlObjects(path.join(MANIFESTS, 'components/mongodb/mongodb.yaml')).find(
      (o) => o.kind === 'StatefulSet',
    ) as K8sObject;
    expect((podSpecOf(mongo) as { securityContext: { runAsNonRoot: boolean } }).securityContext.runAsNonRoot).toBe(
      true,
    );
  });

  it('the MongoDB component is a kustomize Component that gives ShopIQ MONGODB_URL from its Secret', () => {
    const component = readKustomization(path.join(MANIFESTS, 'components/mongodb'));
    expect(component.kind).toBe('Component');
    const keys = Object.keys(mongoSecretTemplate[0]?.stringData as object);
    expect(keys).toContain('MONGODB_URL');
  });
});

describe('the manifests against the running web role', () => {
  let db: TestDatabase;
  let app: App;
  const objects = rendered.production;

  let slack: SlackApiMock;

  beforeAll(async () => {
    slack = mockSlackApi();
    db = await createTestDatabase();
    const config = find(objects, 'ConfigMap', 'shopiq-config').data as Record<string, string>;
    // the ConfigMap's settings (the schema is there: SHOPIQ_MIGRATE_ON_START=false waits for
    // nothing), every channel on, on test ports
    app = createApp(
      loadConfig({
        envFile: '/nonexistent/.env',
        env: {
          ...config,
          NODE_ENV: 'test',
          HOST: '127.0.0.1',
          PORT: '0',
          METRICS_PORT: '0',
          DATABASE_URL: db.url,
          ENCRYPTION_KEYS: TEST_KEY,
          // installs to any workspace too, so /slack/install and its redirect are served
          ...slackEnv({
            SLACK_BOT_TOKEN: '',
            SLACK_CLIENT_ID: '111.222',
            SLACK_CLIENT_SECRET: 'slack-client-secret',
            SLACK_STATE_SECRET: 'slack-state-secret-for-tests',
          }),
          ...twilioEnv({ PUBLIC_BASE_URL: config.PUBLIC_BASE_URL as string }),
          SHOPIFY_API_KEY: 'shopify-key',
          SHOPIFY_API_SECRET: 'shopify-secret',
          CRON_SECRET: 'cron-secret-of-sixteen-chars',
        },
      }),
      { role: 'web' },
    );
    await app.start();
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
    slack?.done();
  });

  it('probes point at routes that answer', async () => {
    for (const o of objects.filter((x) => x.kind === 'Deployment')) {
      const [container] = containersOf(o) as unknown as {
        ports: { name: string; containerPort: number }[];
        startupProbe: { httpGet: { path: string; port: string } };
        livenessProbe: { httpGet: { path: string; port: string } };
        readinessProbe: { httpGet: { path: string; port: string } };
      }[];
      if (!container) throw new Error('no container');
      const http = container.ports.find((p) => p.name === 'http');
      const config = find(objects, 'ConfigMap', 'shopiq-config').data as Record<string, string>;
      expect(String(http?.containerPort)).toBe(config.PORT);
      for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
        expect(probe.httpGet.port).toBe('http');
        const res = await fetch(`${app.url}${probe.httpGet.path}`);
        expect(res.status, probe.httpGet.path).toBe(200);
        expect(await res.json()).toMatchObject({ status: expect.stringMatching(/^(ok|ready)$/) });
      }
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    }
  });

  it('the Ingress routes each public route of the web role, and neither probes nor metrics', async () => {
    const ingress = find<{
      spec: { rules: { http: { paths: { path: string; pathType: string; backend: unknown }[] } }[] };
    }>(objects, 'Ingress', 'shopiq-web');
    const paths = ingress.spec.rules.flatMap((r) => r.http.paths);
    for (const p of paths) {
      expect(p.backend).toEqual({ service: { name: 'shopiq-web', port: { name: 'http' } } });
      expect(p.pathType).toBe('Prefix');
    }
    const service = find<{
      spec: { ports: { name: string; targetPort: string }[] };
    }>(objects, 'Service', 'shopiq-web');
    expect(service.spec.ports.find((p) => p.name === 'http')?.targetPort).toBe('http');

    const pool = openPool(db.url, 1, createLogger({ logLevel: 'silent' }));
    let media: Awaited<ReturnType<typeof saveMedia>>;
    try {
      media = await saveMedia(pool, { bytes: Buffer.from('\x89PNG\r\n'), contentType: 'image/png' });
    } finally {
      await closePool(pool);
    }
    // one real route each: what the web role answers (never the catch-all 404)
    const publicRoutes: [string, RequestInit][] = [
      ['/slack/events', { method: 'POST', body: '{}' }],
      ['/slack/install', { method: 'GET' }],
      ['/slack/oauth_redirect', { method: 'GET' }],
      ['/twilio/whatsapp', { method: 'POST', body: '' }],
      ['/twilio/status', { method: 'POST', body: '' }],
      ['/oauth/shopify/start', { method: 'GET' }],
      ['/webhooks/shopify', { method: 'POST', body: '{}' }],
      [media.path, { method: 'GET' }],
      ['/api/cron/sync', { method: 'POST' }],
    ];
    const routed = (p: string) => paths.some((x) => p === x.path || p.startsWith(`${x.path}/`));
    for (const [route, init] of publicRoutes) {
      expect(routed(route), `${route} is routed by the Ingress`).toBe(true);
      const res = await fetch(`${app.url}${route}`, { ...init, redirect: 'manual' });
      const body = await res.text();
      expect(res.status === 404 && body === '{"error":"not_found"}', `${route} is served`).toBe(false);
    }
    // and each Ingress path leads to at least one of them
    for (const p of paths) {
      expect(
        publicRoutes.some(([r]) => r === p.path || r.startsWith(`${p.path}/`)),
        p.path,
      ).toBe(true);
    }
    for (const internal of ['/healthz', '/readyz', '/metrics']) expect(routed(internal), internal).toBe(false);
  });
});
