import { p } from '@mikro-orm/core';
import { MARKETPLACES } from '../enums.ts';
import { MarketplaceConnection } from './marketplace-connection.entity.ts';
import { User } from './user.entity.ts';

/**
 * The columns every synced row carries: whose it is and which connection wrote it.
 * Analytics filter on `user` without joins. Deleting a seller deletes its connections,
 * and deleting a connection deletes its rows: that one foreign key does the cascade.
 * The `user` column has no foreign key of its own (it would only repeat the
 * connection's, at a cost on every synced row), nor does `connection` on rows that
 * already cascade from a parent row (`viaParent`: order items, from their order).
 * That `user` is the connection's owner is checked once per statement instead
 * (tenant-owner-check.ts, declared on each entity).
 */
export const tenantColumns = (options: { viaParent?: boolean } = {}) => ({
  id: p.bigint('number').primary(),
  user: () => p.manyToOne(User).createForeignKeyConstraint(false),
  connection: () =>
    options.viaParent
      ? p.manyToOne(MarketplaceConnection).createForeignKeyConstraint(false)
      : p.manyToOne(MarketplaceConnection).deleteRule('cascade'),
  marketplace: p.enum(MARKETPLACES),
});
