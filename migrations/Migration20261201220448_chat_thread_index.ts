import { Migration } from '@mikro-orm/migrations';

export class Migration20261201220448_chat_thread_index extends Migration {

  override name = 'Migration20261201220448_chat_thread_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "chat_message_channel_conversation_id_index" on "chat_message" ("channel", "conversation_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "chat_message_channel_conversation_id_index";`);
  }

}
