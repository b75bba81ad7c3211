/**
 * Who may do what over HTTP: every API call × {no token, annotator token, owner token}, the role projectInfo
 * reports, and the Origin check on every route. Transport-level: a test double stands in for the service.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiNames, apiRoles, requiredRole, type ApiInput, type ApiName } from '../../src-shared/api';
import { startServer, type RunningServer } from '../../src-main/server/server';
import { makeServerFixture } from './fixture';
import { openEventStream, postJson, rawRequest } from './http-client';
import { createServiceTestDouble, type ServiceTestDouble } from './service-test-double';

const OWNER = 'owner-token-0123456789';
const ANNOTATOR = 'annotator-token-0123456789';

/** A valid input for every call (typed: a new call without one does not compile). */
const validInputs: { [K in ApiName]: ApiInput<K> } = {
  projectInfo: {},
  importDataset: { source: '/data/x' },
  listSamples: {},
  startTraining: {},
  cancelJob: { jobId: 'j1' },
  listRuns: {},
  trainingBackends: {},
  computeIssues: {},
  listIssueSets: {},
  stopSignal: {},
  getIssues: {},
  claimIssue: { sampleIndex: 1, by: { session: 'session-1', annotator: 'ann' } },
  decide: { sampleIndices: [1], action: 'keep' },
  acceptSuggestions: { maxQuality: 0.5 },
  previewAccept: { maxQuality: 0.5 },
  undo: {},
  redo: {},
  decisionHistory: { sampleIndex: 1 },
  neighbours: { sampleIndex: 1 },
  datasetHealth: {},
  retrain: {},
  compareRuns: {},
  exportLabels: { outDir: '/tmp/x' },
  classEvidence: {},
  explainSample: { runId: 1, sampleIndex: 1, towards: 0, against: 1 },
  cancelExplain: { requestId: 'r1' },
  holdoutDisagreements: {},
};

/**
 * The issue's split, written out: a change to the contract's table must change this test too. Accepting (and
 * previewing) suggestions up to a score is the owner's; accepting picked issues is review (tested below).
 */
const ownerOnly = [
  'importDataset',
  'startTraining',
  'cancelJob',
  'trainingBackends',
  'computeIssues',
  'acceptSuggestions',
  'previewAccept',
  'retrain',
  'exportLabels',
];

let fixture: ReturnType<typeof makeServerFixture>;
let service: ServiceTestDouble;
let server: RunningServer;
let openService: ServiceTestDouble;
let openServer: RunningServer;

beforeAll(async () => {
  fixture = makeServerFixture();
  service = createServiceTestDouble(fixture.mediaDir);
  server = await startServer({
    service,
    staticDir: fixture.staticDir,
    tokens: { owner: OWNER, annotator: ANNOTATOR },
    log: () => {},
  });
  openService = createServiceTestDouble(fixture.mediaDir);
  openServer = await startServer({ service: openService, staticDir: fixture.staticDir, log: () => {} });
});
afterAll(async () => {
  await server.close();
  await openServer.close();
  fixture.cleanup();
});
beforeEach(() => {
  service.calls.length = 0;
  service.answers = {};
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const errorOf = (body: unknown) => (body as { error: { code: string; message: string } }).error;

describe('roles', () => {
  it('the contract declares the owner-only calls the issue lists, and every other call is open to annotators', () => {
    const owners = apiNames.filter((n) => requiredRole(n, validInputs[n]) === 'owner');
    expect(owners.sort()).toEqual([...ownerOnly].sort());
    // Accepting the suggestions of picked issues is review, whatever else the input says.
    for (const name of ['acceptSuggestions', 'previewAccept'] as const) {
      expect(typeof apiRoles[name]).toBe('function');
      expect(requiredRole(name, { sampleIndices: [1, 2] })).toBe('annotator');
      expect(requiredRole(name, { sampleIndices: [1], maxQuality: 0.1 })).toBe('owner');
    }
  });

  it('an annotator may accept the suggestions of picked issues, not of every issue up to a score', async () => {
    const picked = await postJson(
      server.port,
      'acceptSuggestions',
      { sampleIndices: [3, 4] },
      bearer(ANNOTATOR),
    );
    expect(picked.status, picked.body).toBe(200);
    const byScore = await postJson(server.port, 'acceptSuggestions', { maxQuality: 1 }, bearer(ANNOTATOR));
    expect(byScore.status).toBe(403);
    expect(service.calls.map((c) => c.name)).toEqual(['acceptSuggestions']);
  });

  it.each(apiNames)('%s: no token 401, annotator per the role table, owner 200', async (name) => {
    const input = validInputs[name];
    const none = await postJson(server.port, name, input);
    expect(none.status).toBe(401);

    const annotator = await postJson(server.port, name, input, bearer(ANNOTATOR));
    if (ownerOnly.includes(name)) {
      expect(annotator.status).toBe(403);
      expect(errorOf(annotator.json())).toEqual({
        code: 'forbidden',
        message: `${name} needs the project owner's link; an annotator link may only review`,
      });
    } else {
      expect(annotator.status, annotator.body).toBe(200);
    }

    const owner = await postJson(server.port, name, input, bearer(OWNER));
    expect(owner.status, owner.body).toBe(200);

    // The service saw exactly the calls that were allowed.
    const expected = ownerOnly.includes(name) ? [name] : [name, name];
    expect(service.calls.map((c) => c.name)).toEqual(expected);
  });

  it('a refused owner call is refused before its input is looked at', async () => {
    const res = await postJson(server.port, 'exportLabels', { outDir: 42 }, bearer(ANNOTATOR));
    expect(res.status).toBe(403);
    expect(service.calls).toEqual([]);
  });

  it('media and events are open to both roles, closed without a token', async () => {
    for (const token of [ANNOTATOR, OWNER]) {
      expect((await rawRequest(server.port, { path: '/media/thumb/0', headers: bearer(token) })).status).toBe(
        200,
      );
      const stream = await openEventStream(server.port, bearer(token));
      expect(stream.status).toBe(200);
      stream.close();
    }
    expect((await rawRequest(server.port, { path: '/media/thumb/0' })).status).toBe(401);
    expect((await openEventStream(server.port)).status).toBe(401);
  });

  it('projectInfo tells each caller its role; without tokens (--no-token) everyone is the owner', async () => {
    service.answers.projectInfo = { annotator: 'x', role: 'owner' };
    const asAnnotator = await postJson(server.port, 'projectInfo', {}, bearer(ANNOTATOR));
    expect(asAnnotator.json()).toEqual({ annotator: 'x', role: 'annotator' });
    const asOwner = await postJson(server.port, 'projectInfo', {}, { Cookie: `relabel_token=${OWNER}` });
    expect(asOwner.json()).toEqual({ annotator: 'x', role: 'owner' });
    // The query token's cookie carries that token (and so that role) on.
    const page = await rawRequest(server.port, { path: `/?token=${ANNOTATOR}` });
    expect(String(page.headers['set-cookie'])).toMatch(new RegExp(`^relabel_token=${ANNOTATOR};`));

    openService.answers.projectInfo = { annotator: 'x', role: 'owner' };
    expect((await postJson(openServer.port, 'projectInfo', {})).json()).toEqual({
      annotator: 'x',
      role: 'owner',
    });
    expect((await postJson(openServer.port, 'exportLabels', { outDir: '/tmp/x' })).status).toBe(200);
  });
});

describe('Origin', () => {
  const own = (port: number) => `http://127.0.0.1:${port}`;
  const foreign = ['http://evil.example', 'null', 'https://127.0.0.1:1', 'http://127.0.0.1:1', 'file://'];

  it('a foreign Origin is refused with 403 on the API, the event stream, media and pages', async () => {
    const port = server.port;
    for (const origin of foreign) {
      const headers = { ...bearer(OWNER), Origin: origin.replace(':1', `:${port + 1}`) };
      const api = await postJson(port, 'projectInfo', {}, headers);
      expect(api.status, origin).toBe(403);
      expect(errorOf(api.json())).toEqual({
        code: 'forbidden',
        message: 'requests from another site are refused',
      });
      expect((await openEventStream(port, headers)).status, origin).toBe(403);
      expect((await rawRequest(port, { path: '/media/thumb/0', headers })).status, origin).toBe(403);
      expect((await rawRequest(port, { path: '/', headers })).status, origin).toBe(403);
    }
    expect(service.calls).toEqual([]);
    // Also without tokens: the Origin check does not rely on the token.
    const noToken = await postJson(
      openServer.port,
      'exportLabels',
      { outDir: '/x' },
      { Origin: 'http://evil.example' },
    );
    expect(noToken.status).toBe(403);
  });

  it('the own origin (the Host the browser used) and no Origin at all pass', async () => {
    const port = server.port;
    const headers = { ...bearer(OWNER), Origin: own(port) };
    expect((await postJson(port, 'projectInfo', {}, headers)).status).toBe(200);
    expect(
      (await postJson(port, 'projectInfo', {}, { ...headers, Origin: own(port).toUpperCase() })).status,
    ).toBe(200);
    const stream = await openEventStream(port, headers);
    expect(stream.status).toBe(200);
    stream.close();
    expect((await rawRequest(port, { path: '/media/thumb/0', headers })).status).toBe(200);
    expect((await rawRequest(port, { path: '/media/thumb/0', headers: bearer(OWNER) })).status).toBe(200);
    const other = { ...bearer(OWNER), Host: `localhost:${port}`, Origin: `http://localhost:${port}` };
    expect((await postJson(port, 'projectInfo', {}, other)).status).toBe(200);
    // Host and Origin must name the same server.
    const mismatch = { ...bearer(OWNER), Host: `localhost:${port}`, Origin: own(port) };
    expect((await postJson(port, 'projectInfo', {}, mismatch)).status).toBe(403);
  });
});
