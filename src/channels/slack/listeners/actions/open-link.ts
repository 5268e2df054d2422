/**
 * A link button (connect, sign in again) opens its URL in the browser; Slack still
 * posts the click, and a click left unacknowledged shows the seller an error. Acked,
 * nothing else.
 */
import type { App, BlockAction } from '@slack/bolt';
import { LINK_ACTION_ID } from '../../slack-renderer.ts';

export function registerOpenLink(app: App): void {
  app.action<BlockAction>(new RegExp(`^${LINK_ACTION_ID}_\\d+$`), async ({ ack }) => {
    await ack();
  });
}
