import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt, updatedAt } from './timestamps.ts';

/**
 * One install of the Slack app (a workspace, or an org for an enterprise install).
 * The whole installation Bolt hands over, tokens included, is sealed by the token
 * vault, bound to this row's key.
 */
export const SlackInstallation = defineEntity({
  name: 'SlackInstallation',
  properties: {
    /** `T…` for a workspace install, `E…` for an org-wide one. */
    installKey: p.string().primary(),
    teamId: p.string().nullable(),
    enterpriseId: p.string().nullable(),
    botUserId: p.string().nullable(),
    installationSealed: p.text().lazy().hidden(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});

export type ISlackInstallation = InferEntity<typeof SlackInstallation>;
