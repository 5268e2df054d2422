/**
 * Notices for a terminal chat: only this process's own, so a registry of the terminal
 * conversations running here (the demo runs web, worker and the chat in one process:
 * a marketplace connected from the terminal is announced there). A conversation not
 * running here gets nothing.
 */
import type { Reply } from '../../conversation/reply.ts';
import type { ChannelNotifier, ChatAddress, PostedMessage } from '../chat-notifier.ts';

/** Prints a reply in a running terminal chat, the way its answers are printed. */
export type TerminalWriter = (reply: Reply) => void | Promise<void>;

const running = new Map<string, TerminalWriter>();

/** While a terminal chat runs, notices to its conversation are written there; call the result when it ends. */
export function registerTerminalConversation(conversationId: string, write: TerminalWriter): () => void {
  running.set(conversationId, write);
  return () => {
    if (running.get(conversationId) === write) running.delete(conversationId);
  };
}

export const terminalNotifier: ChannelNotifier = {
  editable: false,
  showsCharts: true,
  async post(address: ChatAddress, reply: Reply): Promise<PostedMessage | undefined> {
    const write = running.get(address.conversationId);
    if (!write) return undefined;
    await write(reply);
    return { address };
  },
};
