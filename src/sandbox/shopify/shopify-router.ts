import { Router } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';

export function createShopifyRouter(_ctx: SandboxContext): Router {
  return Router();
}
