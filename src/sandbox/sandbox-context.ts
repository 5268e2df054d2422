import type { FaultRegistry } from './http/faults.ts';
import type { BucketSet } from './http/rate-limit.ts';
import type { TokenStore } from './http/tokens.ts';
import type { SandboxWorld } from './world/world.ts';

/** The app credentials the sandbox accepts (shown by GET /_sandbox/stores). */
export interface SandboxApps {
  shopify: { clientId: string; clientSecret: string };
  flipkart: { appId: string; appSecret: string };
  amazon: { applicationId: string; clientId: string; clientSecret: string };
}

/** What every marketplace router of the sandbox is given. */
export interface SandboxContext {
  world: SandboxWorld;
  faults: FaultRegistry;
  tokens: TokenStore;
  /** Published rate limits; `enabled` false turns them all off (benchmarks). */
  limits: BucketSet;
  apps: SandboxApps;
  /** Base URL the sandbox is reached at (known once it listens). */
  baseUrl(): string;
}

export const DEFAULT_APPS: SandboxApps = {
  shopify: { clientId: 'sandbox-shopify-client-id', clientSecret: 'sandbox-shopify-client-secret' },
  flipkart: { appId: 'sandbox-flipkart-app-id', appSecret: 'sandbox-flipkart-app-secret' },
  amazon: {
    applicationId: 'amzn1.sp.solution.sandbox-shopiq',
    clientId: 'amzn1.application-oa2-client.sandbox',
    clientSecret: 'sandbox-amazon-lwa-secret',
  },
};
