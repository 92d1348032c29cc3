/** When a crashed language server is restarted: at most 4 times in 3 minutes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartPolicy } from '../../client/src/restartPolicy';

const MIN = 60_000;

test('four restarts within three minutes, then the fifth crash stops the server', () => {
  const p = new RestartPolicy(4, 3 * MIN);
  assert.deepEqual([0, 1000, 2000, 3000].map((t) => p.crashed(t)), [true, true, true, true]);
  assert.equal(p.crashed(4000), false);
  assert.equal(p.recent(4000), 5);
});

test('crashes older than the window are forgotten', () => {
  const p = new RestartPolicy(4, 3 * MIN);
  for (const t of [0, 1, 2, 3]) assert.ok(p.crashed(t * MIN));
  // At 3:00 the crash at 0:00 has left the window: four in the window, restart.
  assert.ok(p.crashed(3 * MIN));
  assert.equal(p.recent(3 * MIN), 4);
  assert.equal(p.crashed(3 * MIN + 1), false, 'five within 3 minutes');
  // A server that crashes once an hour is always restarted.
  const slow = new RestartPolicy(4, 3 * MIN);
  for (let h = 0; h < 24; h++) assert.ok(slow.crashed(h * 60 * MIN));
});

test('a restart by hand forgets the crashes; other limits work', () => {
  const p = new RestartPolicy(1, 10_000);
  assert.ok(p.crashed(0));
  assert.equal(p.crashed(1), false);
  p.reset();
  assert.equal(p.recent(2), 0);
  assert.ok(p.crashed(2));
  const never = new RestartPolicy(0, 10_000);
  assert.equal(never.crashed(0), false);
});
