/** Every Slack listener, one file each (events, commands, actions), registered on the Bolt app. */
import type { App } from '@slack/bolt';
import type { InstallationStore } from '@slack/oauth';
import type { SlackDeps } from '../slack-turn.ts';
import { registerFeedback } from './actions/feedback.ts';
import { registerHomeControls } from './actions/home-controls.ts';
import { registerOpenLink } from './actions/open-link.ts';
import { registerReplyCommands } from './actions/reply-commands.ts';
import { registerShopiqCommand } from './commands/shopiq.ts';
import { registerAppHomeOpened } from './events/app-home-opened.ts';
import { registerAppMention } from './events/app-mention.ts';
import { registerMessage } from './events/message.ts';
import { registerUninstall } from './events/uninstall.ts';

/** The Events API event types ShopIQ listens to (what the manifest may subscribe to). */
export const SLACK_EVENT_TYPES = ['message', 'app_mention', 'app_home_opened', 'app_uninstalled', 'tokens_revoked'];

export function registerListeners(app: App, deps: SlackDeps, store: InstallationStore | undefined): void {
  registerMessage(app, deps);
  registerAppMention(app, deps);
  registerAppHomeOpened(app, deps);
  registerUninstall(app, deps, store);
  registerShopiqCommand(app, deps);
  registerFeedback(app, deps);
  registerHomeControls(app, deps);
  registerOpenLink(app);
  registerReplyCommands(app, deps);
}
