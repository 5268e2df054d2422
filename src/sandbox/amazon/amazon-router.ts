import { Router } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';

export function createAmazonRouter(_ctx: SandboxContext): Router {
  return Router();
}
