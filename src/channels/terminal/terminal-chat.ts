/**
 * Chat in a terminal. On a terminal: a prompt, answers as they come, follow-ups when
 * a refresh ends, and the notices this process sends to the conversation (a backfill's
 * progress: terminal-notifier.ts). Otherwise (a pipe, a script): one question per
 * line, each answer printed after it, and the end of input ends the chat.
 */
import { randomUUID } from 'node:crypto';
import readline from 'node:readline';
import type { ConversationEngine } from '../../conversation/conversation-engine.ts';
import type { Reply } from '../../conversation/reply.ts';
import type { Logger } from '../../logging/logger.ts';
import { registerTerminalConversation } from './terminal-notifier.ts';
import { renderForTerminal } from './terminal-renderer.ts';

export interface TerminalIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  /** Where chart images are written. */
  chartDir?: string;
  log?: Logger;
}

export async function runTerminalChat(engine: ConversationEngine, userId: string, io: TerminalIo): Promise<void> {
  const interactive = io.input.isTTY === true;
  const conversationId = `terminal-${randomUUID()}`;
  const rl = readline.createInterface({
    input: io.input,
    output: interactive ? io.output : undefined,
    terminal: interactive,
  });
  const say = (text: string) => io.output.write(`${text}\n\n`);
  /** Something the seller did not just ask for: printed on its own, then the prompt again. */
  const sayLater = async (reply: Reply) => {
    say(`\n${await renderForTerminal(reply, io.chartDir)}`);
    if (interactive) rl.prompt();
  };
  const unregister = registerTerminalConversation(conversationId, sayLater);
  if (interactive) {
    say(
      `ShopIQ: ask about your sales, products, returns and stock. Type \`help\` for commands, \`exit\` to leave.${
        engine.limitedMode ? '\n(Limited mode: no ANTHROPIC_API_KEY, so the common questions only.)' : ''
      }`,
    );
    rl.on('SIGINT', () => rl.close()); // Ctrl-C leaves the chat
    rl.setPrompt('you> ');
    rl.prompt();
  }
  try {
    for await (const line of rl) {
      const text = line.trim();
      if (/^(exit|quit|bye)$/i.test(text)) break;
      if (text) {
        try {
          const reply = await engine.handle(
            { userId, channel: 'terminal', conversationId, text },
            { notify: sayLater },
          );
          say(await renderForTerminal(reply, io.chartDir));
        } catch (err) {
          io.log?.error({ err }, 'answering in the terminal failed');
          say('Something went wrong answering that (it is logged); please try again in a moment.');
        }
      }
      if (interactive) rl.prompt();
    }
  } finally {
    unregister();
    rl.close();
  }
}
