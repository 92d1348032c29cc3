/** `tokscope.dynamic.*` as the server sees them: booleans, a known boundary, merges within bounds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, MAX_DYNAMIC_MERGES, sanitizeDynamic, sanitizeSettings } from '../../server/src/settings';

test('dynamic settings: defaults, wrong types and out-of-range values give the defaults', () => {
  assert.deepEqual(sanitizeSettings(undefined, false).dynamic, DEFAULT_SETTINGS.dynamic);
  assert.deepEqual(sanitizeDynamic({ enabled: 'no', number: 0, boundary: 'line', merges: -3 }), DEFAULT_SETTINGS.dynamic);
  assert.deepEqual(sanitizeDynamic({ enabled: false, phrase: false, boundary: 'word', merges: 250.9 }), { ...DEFAULT_SETTINGS.dynamic, enabled: false, phrase: false, boundary: 'word', merges: 250 });
  assert.equal(sanitizeDynamic({ merges: 1e12 }).merges, MAX_DYNAMIC_MERGES);
});
