import { p } from '@mikro-orm/core';
import { MARKETPLACES } from '../enums.ts';
import { MarketplaceConnection } from './marketplace-connection.entity.ts';
import { User } from './user.entity.ts';

/**
 * The columns every synced row carries: whose it is and which connection wrote it.
 * Analytics filter on `user` without joins; deleting a connection or a seller removes
 * its rows.
 */
export const tenantColumns = () => ({
  id: p.bigint('number').primary(),
  user: () => p.manyToOne(User).deleteRule('cascade'),
  connection: () => p.manyToOne(MarketplaceConnection).deleteRule('cascade'),
  marketplace: p.enum(MARKETPLACES),
});
