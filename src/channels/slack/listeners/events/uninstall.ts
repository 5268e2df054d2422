/**
 * `app_uninstalled` and `tokens_revoked`: a workspace that removed the app (or revoked
 * its bot token) has its installation, and so its sealed token, deleted.
 */
import type { App } from '@slack/bolt';
import type { InstallationStore } from '@slack/oauth';
import type { SlackDeps } from '../../slack-turn.ts';

export function registerUninstall(app: App, deps: SlackDeps, store: InstallationStore | undefined): void {
  const forget = async (body: { team_id: string; enterprise_id?: string; is_enterprise_install?: boolean }) => {
    const query = {
      teamId: body.team_id,
      enterpriseId: body.enterprise_id,
      isEnterpriseInstall: body.is_enterprise_install ?? false,
    };
    await store?.deleteInstallation?.(query);
    deps.log.info({ teamId: body.team_id }, 'Slack app removed from a workspace: its installation is deleted');
  };
  app.event('app_uninstalled', async ({ body }) => forget(body));
  app.event('tokens_revoked', async ({ event, body }) => {
    if ((event.tokens.bot ?? []).length > 0) await forget(body);
  });
}
