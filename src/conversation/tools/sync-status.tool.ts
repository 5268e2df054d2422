import { z } from 'zod';
import { marketplaceName } from '../format/labels.ts';
import { defineTool } from './tool.ts';

export const syncStatus = defineTool({
  name: 'sync_status',
  description:
    'The seller’s connected marketplaces and how fresh ShopIQ’s copy of each is: last sync (seller’s time), ' +
    'whether it is stale, whether a sync is running, whether a connection needs the seller to reconnect, and ' +
    'since when a marketplace has not been answering properly (its figures are then from its last good sync).',
  input: z.object({}),
  async execute(_input, ctx) {
    const connections = (await ctx.freshness()).map((c) => ({
      marketplace: c.marketplace,
      account: c.account,
      state: c.state,
      data_as_of: c.lastSyncLocal ?? 'never synced',
      minutes_old: c.ageMinutes,
      stale: c.stale,
      syncing_now: c.syncing,
      not_answering_since: c.failing?.sinceLocal ?? null,
    }));
    return {
      result: { timezone: ctx.scope.timezone, connections },
      table: {
        title: 'Marketplace data',
        columns: ['marketplace', 'account', 'state', 'data as of'],
        rows: connections.map((c) => [marketplaceName(c.marketplace), c.account, c.state, c.data_as_of]),
      },
    };
  },
});
