import assert from 'node:assert/strict';
import { it } from 'node:test';
import { handler, play, run, task, testModules } from './harness.ts';

it('every handler listening to a notified topic runs; a name notifies only the first handler of that name', async () => {
  const calls: string[] = [];
  const notify = task('change', {}, { notify: ['restart'] });
  const handlers = [
    handler('restart', 'echo', { n: 'first' }),
    { ...handler('restart', 'echo', { n: 'duplicate name' }) },
    { ...handler('listener', 'echo', { n: 'listener' }), listen: ['listener', 'restart'] },
  ];
  await run([play([notify], { handlers })], { modules: testModules(calls), hosts: { east: {} } });
  assert.deepEqual(
    calls.filter((call) => call.startsWith('echo')),
    ['echo:east:{"n":"first"}', 'echo:east:{"n":"listener"}'],
  );
});
