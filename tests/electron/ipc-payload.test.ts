import { describe, expect, it } from 'vitest';
import { INTERNAL_ERROR_MESSAGE } from '../../src-shared/api';
import { parseApiInput } from '../../src-shared/validate';
import { dispatchCall } from '../../src-main/transport/dispatch';
import { tempDir } from '../helpers/tmp';
import { createServiceTestDouble, DoubleServiceError } from '../server/service-test-double';

/** The IPC adapter's payload checks: `relabel:call` (name, input) arrive straight from the renderer. */
describe('IPC payload validation', () => {
  it.each([
    ['readMedia'],
    ['close'],
    ['subscribe'],
    ['constructor'],
    ['__proto__'],
    ['hasOwnProperty'],
    [42],
    [null],
    [{}],
  ])('refuses call name %j with not_found', async (name) => {
    const service = createServiceTestDouble(tempDir());
    const r = await dispatchCall(service, name, {}, 'owner');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('not_found');
    expect(service.calls).toEqual([]);
  });

  it('validates the input once, in the service, and fills in defaults', async () => {
    expect(parseApiInput('getIssues', {})).toEqual({
      ok: true,
      input: { filter: { type: 'label', status: 'all' }, offset: 0, limit: 50 },
    });
    expect(parseApiInput('getIssues', { limit: 5000 })).toEqual({
      ok: false,
      message: 'getIssues: limit: Number must be less than or equal to 1000',
    });
    expect(parseApiInput('projectInfo', undefined)).toMatchObject({ ok: false });
    // A JSON "__proto__" key is an own key: refused as unknown, never merged into a prototype.
    const polluted = JSON.parse('{"sampleIndices":[1],"action":"keep","__proto__":{"isAdmin":true}}');
    expect(parseApiInput('decide', polluted)).toEqual({
      ok: false,
      message: "decide: Unrecognized key(s) in object: '__proto__'",
    });
    // Through the IPC dispatch, the same message arrives with the invalid_input code.
    const service = createServiceTestDouble(tempDir());
    expect(await dispatchCall(service, 'getIssues', { limit: 5000 }, 'owner')).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'getIssues: limit: Number must be less than or equal to 1000',
      },
    });
  });

  it('never calls readMedia/close through the call channel, and hides internal errors', async () => {
    const service = createServiceTestDouble(tempDir());
    expect(await dispatchCall(service, 'close', {}, 'owner')).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(service.closed).toBe(false);

    service.answers.undo = new DoubleServiceError('conflict', 'nothing to undo');
    expect(await dispatchCall(service, 'undo', {}, 'owner')).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'nothing to undo' },
    });

    const logged: unknown[] = [];
    service.answers.redo = new RangeError('index 7 out of range in /home/me/secret');
    const r = await dispatchCall(service, 'redo', {}, 'owner', (_ctx, e) => logged.push(e));
    expect(r).toEqual({ ok: false, error: { code: 'failed', message: INTERNAL_ERROR_MESSAGE } });
    expect(logged).toHaveLength(1);

    expect(await dispatchCall(service, 'listRuns', {}, 'owner')).toEqual({
      ok: true,
      value: { ok: 'listRuns' },
    });
    expect(service.calls.map((c) => c.name)).toEqual(['undo', 'redo', 'listRuns']);
  });
});
