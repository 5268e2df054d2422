/**
 * Re-encrypts every stored secret under the active key, a batch per transaction, so
 * an old key can be retired. Secrets already under the active key are left as they
 * are; one that cannot be opened is reported and the others still rotate.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TOKEN_FIELDS, type TokenField, tokenContext } from '../connections/connection-tokens.ts';
import { MarketplaceConnection } from '../db/entities/marketplace-connection.entity.ts';
import type { Logger } from '../logging/logger.ts';
import type { TokenVault } from './token-vault.ts';

export interface RotationReport {
  activeKeyId: string;
  connections: number;
  secretsRewrapped: number;
  secretsAlreadyCurrent: number;
  failures: { connectionId: string; field: string; reason: string }[];
}

const BATCH = 200;

export async function rotateKeys(em: EntityManager, vault: TokenVault, log: Logger): Promise<RotationReport> {
  const report: RotationReport = {
    activeKeyId: vault.activeKeyId,
    connections: 0,
    secretsRewrapped: 0,
    secretsAlreadyCurrent: 0,
    failures: [],
  };
  const fields = Object.keys(TOKEN_FIELDS) as TokenField[];
  let after: string | undefined;
  for (;;) {
    const done = await em.fork().transactional(async (tx) => {
      const batch = await tx.find(MarketplaceConnection, after ? { id: { $gt: after } } : {}, {
        orderBy: { id: 'asc' },
        limit: BATCH,
        populate: ['accessTokenSealed', 'refreshTokenSealed'],
        lockMode: LockMode.PESSIMISTIC_WRITE,
      });
      for (const connection of batch) {
        report.connections++;
        for (const field of fields) {
          const sealed = connection[field];
          if (!sealed) continue;
          try {
            const next = vault.reseal(sealed, tokenContext(connection.id, field));
            if (next === sealed) report.secretsAlreadyCurrent++;
            else {
              connection[field] = next;
              report.secretsRewrapped++;
            }
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            report.failures.push({ connectionId: connection.id, field: TOKEN_FIELDS[field], reason });
            log.error(
              { connectionId: connection.id, field: TOKEN_FIELDS[field], reason },
              'could not re-encrypt a token',
            );
          }
        }
      }
      after = batch.at(-1)?.id ?? after;
      return batch.length < BATCH;
    });
    if (done) break;
  }
  return report;
}
