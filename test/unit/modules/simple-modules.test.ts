import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertModule } from '../../../src/modules/builtin/assert.module.ts';
import { UNDEFINED_VARIABLE, debugModule } from '../../../src/modules/builtin/debug.module.ts';
import { failModule } from '../../../src/modules/builtin/fail.module.ts';
import { pauseModule } from '../../../src/modules/builtin/pause.module.ts';
import { setFactModule } from '../../../src/modules/builtin/set-fact.module.ts';
import { sleepSteppingClock } from '../../support/fake-clock.ts';
import { moduleContext } from '../../support/module-context.ts';

describe('debug', () => {
  it('returns msg, defaulting to Hello world!', async () => {
    assert.deepEqual(await debugModule.run({ msg: 'hi' }, moduleContext()), { changed: false, msg: 'hi' });
    assert.deepEqual(await debugModule.run({}, moduleContext()), { changed: false, msg: 'Hello world!' });
    assert.deepEqual(await debugModule.run({ msg: ['a', 1] }, moduleContext()), {
      changed: false,
      msg: ['a', 1],
    });
  });

  it('shows a variable by name, including dotted paths', async () => {
    const ctx = moduleContext({}, { projects: [{ name: 'demo' }] });
    assert.deepEqual(await debugModule.run({ var: 'projects.0.name' }, ctx), {
      changed: false,
      'projects.0.name': 'demo',
    });
    assert.deepEqual(await debugModule.run({ var: 'missing' }, ctx), {
      changed: false,
      missing: UNDEFINED_VARIABLE,
    });
  });

  it('skips below its verbosity', async () => {
    const result = await debugModule.run({ msg: 'x', verbosity: 2 }, moduleContext({ verbosity: 1 }));
    assert.equal(result.skipped, true);
    assert.equal(
      (await debugModule.run({ msg: 'x', verbosity: 2 }, moduleContext({ verbosity: 2 }))).msg,
      'x',
    );
  });
});

describe('set_fact', () => {
  it('returns every key but cacheable as facts', async () => {
    const result = await setFactModule.run({ a: 1, b: { c: true }, cacheable: true }, moduleContext());
    assert.deepEqual(result.facts, { a: 1, b: { c: true } });
    assert.equal(result.changed, false);
  });

  it('fails with nothing to set', async () => {
    assert.equal((await setFactModule.run({ cacheable: false }, moduleContext())).failed, true);
  });
});

describe('assert', () => {
  it('passes when every evaluated condition is true', async () => {
    const result = await assertModule.run({ that: [true, true], success_msg: 'fine' }, moduleContext());
    assert.deepEqual(result, { changed: false, msg: 'fine' });
  });

  it('accepts conditions as the engine evaluates them and names the failing one', async () => {
    const that = [
      { condition: '{{ eq a 1 }}', result: true },
      { condition: '{{ gt b 2 }}', result: false },
    ];
    const result = await assertModule.run({ that, fail_msg: 'bad' }, moduleContext());
    assert.equal(result.failed, true);
    assert.equal(result.msg, 'bad');
    assert.equal(result['assertion'], '{{ gt b 2 }}');
    assert.equal((await assertModule.run({ that: [that[0]!] }, moduleContext())).failed, undefined);
    assert.equal((await assertModule.run({ that: false }, moduleContext())).msg, 'Assertion failed');
  });

  it('refuses a condition the engine did not evaluate', async () => {
    const result = await assertModule.run({ that: '{{ eq a 1 }}' }, moduleContext());
    assert.equal(result.failed, true);
    assert.match(String(result.msg), /not evaluated to a boolean/);
    assert.equal((await assertModule.run({ that: 'true' }, moduleContext())).failed, undefined);
  });
});

describe('fail', () => {
  it('fails with the message or the default', async () => {
    assert.deepEqual(await failModule.run({ msg: 'stop' }, moduleContext()), {
      changed: false,
      failed: true,
      msg: 'stop',
    });
    assert.equal((await failModule.run({}, moduleContext())).msg, 'Failed as requested from task');
  });
});

describe('pause', () => {
  it('sleeps through the injected clock', async () => {
    const clock = sleepSteppingClock();
    const ctx = moduleContext();
    ctx.services.clock = clock;
    const result = await pauseModule.run({ seconds: 3 }, ctx);
    assert.deepEqual(clock.sleeps, [3000]);
    assert.equal(result['delta'], 3);
    await pauseModule.run({ minutes: 0.5 }, ctx);
    assert.deepEqual(clock.sleeps, [3000, 30000]);
  });

  it('does not wait for input and warns instead', async () => {
    const ctx = moduleContext();
    const result = await pauseModule.run({ prompt: 'Press enter' }, ctx);
    assert.equal(result.failed, undefined);
    assert.equal(ctx.warnings.length, 1);
  });

  it('stops when the run is interrupted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('interrupted'));
    await assert.rejects(
      pauseModule.run({ seconds: 1 }, moduleContext({ signal: controller.signal })),
      /interrupted/,
    );
  });
});
