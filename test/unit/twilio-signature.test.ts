/**
 * The Twilio webhook check against the example twilio-node publishes in its own tests
 * (CHANNELS.md): it passes, and fails for another URL, a changed parameter or another
 * token.
 */
import { describe, expect, it } from 'vitest';
import { validTwilioSignature } from '../../src/channels/whatsapp/twilio-rest.ts';

const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};
const SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

describe('Twilio request signatures', () => {
  it('pass twilio-node’s published example', () => {
    expect(validTwilioSignature(TOKEN, SIGNATURE, URL, PARAMS)).toBe(true);
  });

  it('fail for another URL, a changed parameter, another token or none', () => {
    expect(validTwilioSignature(TOKEN, SIGNATURE, 'https://proxy.internal/myapp.php?foo=1&bar=2', PARAMS)).toBe(false);
    expect(validTwilioSignature(TOKEN, SIGNATURE, URL, { ...PARAMS, Digits: '1235' })).toBe(false);
    expect(validTwilioSignature('54321', SIGNATURE, URL, PARAMS)).toBe(false);
    expect(validTwilioSignature(TOKEN, undefined, URL, PARAMS)).toBe(false);
  });
});
