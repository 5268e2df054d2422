import { Router } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';

export function createFlipkartRouter(_ctx: SandboxContext): Router {
  return Router();
}
