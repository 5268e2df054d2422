/**
 * slack-app-manifest.yml against the code: its URLs are the routes the service
 * serves, its command is the one registered, every event it subscribes to has a
 * listener, its scopes are the ones an install asks for, and its suggested prompts
 * are questions ShopIQ answers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SLASH_COMMAND } from '../../src/channels/slack/listeners/commands/shopiq.ts';
import { SLACK_EVENT_TYPES } from '../../src/channels/slack/listeners/index.ts';
import { SLACK_BOT_SCOPES, SLACK_ROUTES } from '../../src/channels/slack/slack-app.ts';
import { matchIntent } from '../../src/conversation/limited-mode.ts';

const manifest = parse(readFileSync(new URL('../../slack-app-manifest.yml', import.meta.url), 'utf8'));
const route = (url: string) => {
  expect(url).toMatch(/^https:\/\/YOUR-HOST\//);
  return new URL(url).pathname;
};

describe('slack-app-manifest.yml', () => {
  it('points events, interactivity, the command and the OAuth redirect at the routes ShopIQ serves', () => {
    expect(route(manifest.settings.event_subscriptions.request_url)).toBe(SLACK_ROUTES.events);
    expect(route(manifest.settings.interactivity.request_url)).toBe(SLACK_ROUTES.events);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([SLASH_COMMAND]);
    expect(route(manifest.features.slash_commands[0].url)).toBe(SLACK_ROUTES.events);
    expect(manifest.oauth_config.redirect_urls.map(route)).toEqual([SLACK_ROUTES.oauthRedirect]);
  });

  it('subscribes only to events that have a listener, and to each listener’s event', () => {
    const subscribed: string[] = manifest.settings.event_subscriptions.bot_events;
    // message.im, message.channels and message.groups all arrive as `message`
    const types = new Set(subscribed.map((e) => e.replace(/^message\..+$/, 'message')));
    expect([...types].sort()).toEqual([...SLACK_EVENT_TYPES].sort());
    expect(subscribed).toContain('message.im');
  });

  it('asks for the scopes the install flow asks for, and declares the agent view with at most 4 prompts', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...SLACK_BOT_SCOPES].sort());
    const prompts = manifest.features.agent_view.suggested_prompts;
    expect(prompts.length).toBeGreaterThan(0);
    expect(prompts.length).toBeLessThanOrEqual(4);
    for (const p of prompts) expect(matchIntent(p.message), p.message).toBeDefined();
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
  });
});
