import { p } from '@mikro-orm/core';

/**
 * Row timestamps, set by the ORM and defaulted by the database too, so bulk SQL
 * writers (COPY + INSERT … ON CONFLICT in the sync engine) need not supply them.
 */
export const createdAt = () =>
  p
    .datetime()
    .defaultRaw('now()')
    .onCreate(() => new Date());

export const updatedAt = () =>
  p
    .datetime()
    .defaultRaw('now()')
    .onCreate(() => new Date())
    .onUpdate(() => new Date());
