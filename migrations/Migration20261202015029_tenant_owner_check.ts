import { Migration } from '@mikro-orm/migrations';
import { OWNER_CHECKED_TABLES, tenantOwnerCheckTriggers } from '../src/db/entities/tenant-owner-check.ts';

/**
 * Synced rows' `user_id` must be their connection's owner: statement triggers over the
 * transition rows, whose SQL has one source (src/db/entities/tenant-owner-check.ts).
 */
export class Migration20261202015029_tenant_owner_check extends Migration {

  override name = 'Migration20261202015029_tenant_owner_check';

  override up(): void | Promise<void> {
    for (const table of OWNER_CHECKED_TABLES) {
      for (const trigger of tenantOwnerCheckTriggers(table)) this.addSql(`${trigger.expression};`);
    }
  }

  override down(): void | Promise<void> {
    for (const table of OWNER_CHECKED_TABLES) {
      for (const trigger of tenantOwnerCheckTriggers(table)) this.addSql(`drop trigger if exists "${trigger.name}" on "${table}";`);
      this.addSql(`drop function if exists "${table}_check_owner"();`);
    }
  }

}
