import type { Config } from '../config/config.ts';
import { AppError } from '../errors/app-error.ts';
import { type ChatIdentity, linkIdentity } from '../identity/chat-identities.ts';
import type { Logger } from '../logging/logger.ts';
import { resolveOneSeller } from './resolve-seller.ts';
import { withServices } from './with-database.ts';

export interface LinkCommandOptions {
  seller: string;
  slack?: string;
  whatsapp?: string;
}

/** The chat identities an operator names: Slack `T…:U…`, WhatsApp `+E164`. */
export function identitiesOf(opts: Pick<LinkCommandOptions, 'slack' | 'whatsapp'>): ChatIdentity[] {
  const identities: ChatIdentity[] = [];
  if (opts.slack !== undefined) {
    if (!/^[TE][A-Z0-9]{2,}:[UW][A-Z0-9]{2,}$/.test(opts.slack)) {
      throw new AppError(
        'BAD_REQUEST',
        `--slack expects <team id>:<user id>, e.g. T012AB3C4:U045DE6F7 (got "${opts.slack}")`,
      );
    }
    identities.push({ channel: 'slack', externalId: opts.slack });
  }
  if (opts.whatsapp !== undefined) {
    if (!/^\+[1-9]\d{6,14}$/.test(opts.whatsapp)) {
      throw new AppError(
        'BAD_REQUEST',
        `--whatsapp expects an E.164 number, e.g. +919812345678 (got "${opts.whatsapp}")`,
      );
    }
    identities.push({ channel: 'whatsapp', externalId: opts.whatsapp });
  }
  if (identities.length === 0)
    throw new AppError('BAD_REQUEST', 'name a chat identity: --slack <team>:<user> or --whatsapp <+E164>');
  return identities;
}

/** `shopiq link`: a chat identity speaks for a seller from now on (support, demos, tests). */
export async function linkCommand(config: Config, log: Logger, opts: LinkCommandOptions): Promise<void> {
  const identities = identitiesOf(opts);
  await withServices(config, log, async ({ pool }) => {
    const userId = await resolveOneSeller(pool, opts.seller);
    for (const identity of identities) {
      const outcome = await linkIdentity(pool, identity, userId);
      if (outcome === 'has_own_data') {
        throw new AppError(
          'BAD_REQUEST',
          `${identity.channel} ${identity.externalId} is the only identity of a seller with marketplaces of its own: disconnect them first`,
        );
      }
      process.stdout.write(
        `${outcome === 'already' ? 'already linked' : 'linked'}: ${identity.channel} ${identity.externalId} → seller ${userId}\n`,
      );
    }
  });
}
