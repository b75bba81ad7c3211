import { describe, expect, it } from 'vitest';
import { dispatchCall, validateCall } from '../../src-main/server/api-dispatch';
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
  ])('refuses call name %j with not_found', (name) => {
    const r = validateCall(name, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('not_found');
  });

  it('validates the input and fills in defaults', () => {
    expect(validateCall('getIssues', {})).toEqual({
      ok: true,
      name: 'getIssues',
      input: { filter: { status: 'all' }, offset: 0, limit: 50 },
    });
    expect(validateCall('getIssues', { limit: 5000 })).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'getIssues: limit: Number must be less than or equal to 1000',
      },
    });
    expect(validateCall('projectInfo', undefined)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    // A JSON "__proto__" key is an own key: refused as unknown, never merged into a prototype.
    const polluted = JSON.parse('{"sampleIndices":[1],"action":"keep","__proto__":{"isAdmin":true}}');
    expect(validateCall('decide', polluted)).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: "decide: Unrecognized key(s) in object: '__proto__'" },
    });
  });

  it('never calls readMedia/close through the call channel, and hides internal errors', async () => {
    const service = createServiceTestDouble(tempDir());
    expect(await dispatchCall(service, 'close', {})).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(service.closed).toBe(false);

    service.answers.undo = new DoubleServiceError('conflict', 'nothing to undo');
    expect(await dispatchCall(service, 'undo', {})).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'nothing to undo' },
    });

    const logged: unknown[] = [];
    service.answers.redo = new RangeError('index 7 out of range in /home/me/secret');
    const r = await dispatchCall(service, 'redo', {}, (_ctx, e) => logged.push(e));
    expect(r).toEqual({ ok: false, error: { code: 'failed', message: 'internal error (see server log)' } });
    expect(logged).toHaveLength(1);

    expect(await dispatchCall(service, 'listRuns', {})).toEqual({ ok: true, value: { ok: 'listRuns' } });
    expect(service.calls.map((c) => c.name)).toEqual(['undo', 'redo', 'listRuns']);
  });
});
