import type { Config } from '../config/config.ts';
import { resolveKeyring } from '../crypto/keyring.ts';
import { rotateKeys } from '../crypto/rotate-keys.ts';
import { TokenVault } from '../crypto/token-vault.ts';
import { applyMigrations } from '../db/migrate.ts';
import type { Logger } from '../logging/logger.ts';
import { withDatabase } from './with-database.ts';

/** Exit code 1 when some secret could not be re-encrypted (its key is missing or it was tampered with). */
export async function rotateKeysCommand(config: Config, log: Logger): Promise<number> {
  const vault = new TokenVault(resolveKeyring(config, log));
  const report = await withDatabase(config, log, async (orm) => {
    await applyMigrations(orm);
    return rotateKeys(orm.em.fork(), vault, log);
  });
  process.stdout.write(
    `active key ${report.activeKeyId}: ${report.secretsRewrapped} secret(s) re-encrypted, ` +
      `${report.secretsAlreadyCurrent} already current, ${report.failures.length} failed ` +
      `(${report.connections} connection(s))\n`,
  );
  for (const f of report.failures) process.stderr.write(`  connection ${f.connectionId} ${f.field}: ${f.reason}\n`);
  return report.failures.length > 0 ? 1 : 0;
}
