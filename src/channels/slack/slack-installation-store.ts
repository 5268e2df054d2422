/**
 * Installs of the Slack app to any workspace (OAuth), kept in PostgreSQL so every web
 * replica can answer any workspace. The installation Bolt hands over (its bot token
 * included) is sealed by the token vault, bound to the install's key; `app_uninstalled`
 * and `tokens_revoked` delete it.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type pg from 'pg';
import type { TokenVault } from '../../crypto/token-vault.ts';

const sealContext = (installKey: string) => ({ table: 'slack_installation', rowId: installKey, field: 'installation' });

function keyOf(query: { isEnterpriseInstall?: boolean; enterpriseId?: string; teamId?: string }): string {
  const key = query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
  if (!key) throw new Error('a Slack installation needs a team id (or an enterprise id for an org-wide install)');
  return key;
}

export class PostgresInstallationStore implements InstallationStore {
  readonly #db: pg.Pool;
  readonly #vault: TokenVault;

  constructor(db: pg.Pool, vault: TokenVault) {
    this.#db = db;
    this.#vault = vault;
  }

  async storeInstallation(installation: Installation): Promise<void> {
    const installKey = keyOf({
      isEnterpriseInstall: installation.isEnterpriseInstall,
      enterpriseId: installation.enterprise?.id,
      teamId: installation.team?.id,
    });
    await this.#db.query(
      `insert into slack_installation (install_key, team_id, enterprise_id, bot_user_id, installation_sealed, created_at, updated_at)
       values ($1, $2, $3, $4, $5, now(), now())
       on conflict (install_key) do update set team_id = excluded.team_id, enterprise_id = excluded.enterprise_id,
         bot_user_id = excluded.bot_user_id, installation_sealed = excluded.installation_sealed, updated_at = now()`,
      [
        installKey,
        installation.team?.id ?? null,
        installation.enterprise?.id ?? null,
        installation.bot?.userId ?? null,
        this.#vault.seal(JSON.stringify(installation), sealContext(installKey)),
      ],
    );
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    // a workspace of an org-wide install is answered by the org's installation
    const keys = [query.isEnterpriseInstall ? undefined : query.teamId, query.enterpriseId].filter((k): k is string =>
      Boolean(k),
    );
    const { rows } = await this.#db.query<{ install_key: string; installation_sealed: string }>(
      `select install_key, installation_sealed from slack_installation where install_key = any($1)
        order by install_key = $2 desc limit 1`,
      [keys, keys[0] ?? ''],
    );
    const row = rows[0];
    if (!row) throw new Error(`no Slack installation for ${keys.join(' or ') || 'this request'}`);
    return JSON.parse(this.#vault.open(row.installation_sealed, sealContext(row.install_key))) as Installation;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.#db.query('delete from slack_installation where install_key = $1', [keyOf(query)]);
  }
}
