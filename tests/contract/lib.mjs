// Helpers shared by the contract checks: the official client, PASS/FAIL bookkeeping, error and polling helpers.
import { ApiClient, ApiClientInMemoryContextProvider, NorthflankApiCallError } from '@northflank/js-client';

export const baseUrl = (process.env.SIM_URL ?? '').replace(/\/$/, '');
export const token = process.env.SIM_TOKEN;
export const restrictedToken = process.env.SIM_RESTRICTED_TOKEN;
if (!baseUrl || !token || !restrictedToken) {
  console.error('Set SIM_URL, SIM_TOKEN and SIM_RESTRICTED_TOKEN.');
  process.exit(2);
}

export async function client(apiToken, throwErrorOnHttpErrorCode = true) {
  const contexts = new ApiClientInMemoryContextProvider();
  await contexts.addContext({ name: 'simulator', token: apiToken, host: baseUrl });
  return new ApiClient(contexts, { throwErrorOnHttpErrorCode });
}

export const api = await client(token);
export const project = 'contract-project';
export const pagesProject = 'contract-pages';
export const results = { passes: 0, failures: 0 };

export async function check(name, body) {
  try {
    await body();
    results.passes++;
    console.log(`PASS ${name}`);
  } catch (error) {
    results.failures++;
    console.log(`FAIL ${name}: ${error?.stack ?? error}`);
  }
}

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

export function equal(actual, expected, what) {
  expect(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** The sorted own keys of an object, for "exactly these fields" checks. */
export function keys(object) {
  return Object.keys(object ?? {}).sort().join(',');
}

export function sameKeys(object, expected, what) {
  equal(keys(object), [...expected].sort().join(','), `${what} keys`);
}

/** Runs a call that must fail, and checks the client's error object (NorthflankApiCallError). */
export async function expectError(call, status, messagePart) {
  try {
    await call();
  } catch (error) {
    expect(error instanceof NorthflankApiCallError, `expected NorthflankApiCallError, got ${error}`);
    equal(error.status, status, 'error.status');
    expect(typeof error.message === 'string' && error.message.length > 0, 'error.message is empty');
    if (messagePart) expect(error.message.includes(messagePart), `error.message "${error.message}" lacks "${messagePart}"`);
    return error;
  }
  throw new Error(`expected an HTTP ${status} error, but the call succeeded`);
}

/** A 400 whose message starts with the field's path and whose details.field names it. */
export async function expect400(call, field, messagePart) {
  const error = await expectError(call, 400, messagePart);
  expect(error.message.startsWith(`${field}:`), `error.message "${error.message}" does not start with "${field}:"`);
  equal(error.details?.field, field, 'error.details.field');
  equal(error.id, 'validation-failed', 'error.id');
  return error;
}

export async function sim(path, init) {
  const response = await fetch(`${baseUrl}/_sim${path}`, init);
  expect(response.ok, `/_sim${path} answered ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}

export async function setRateLimit(limit) {
  await sim('/rate-limit', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ limit, window: '01:00:00', timeScale: 1, enabled: true }),
  });
}

export async function waitForService(serviceId, predicate, what, projectId = project) {
  const deadline = Date.now() + 15000;
  let last;
  while (Date.now() < deadline) {
    last = (await api.get.service({ parameters: { projectId, serviceId } })).data;
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${serviceId} never reached ${what}; last status ${JSON.stringify(last?.status)}`);
}

export const completed = (s) => s.status?.deployment?.status === 'COMPLETED';

/** A valid create/put body; the tags are among the simulator's default team tags. */
export function serviceBody(name, overrides = {}) {
  return {
    name,
    description: 'contract test service',
    tags: ['gvisor', 'sandbox-runtime'],
    billing: { deploymentPlan: 'nf-compute-20' },
    deployment: {
      instances: 1,
      external: { imagePath: 'nginxinc/nginx-unprivileged:1.27' },
      docker: { configType: 'default' },
      storage: { ephemeralStorage: { storageSize: 1024 } },
    },
    ports: [{ name: 'http', internalPort: 8080, public: true, protocol: 'HTTP' }],
    runtimeEnvironment: { GREETING: 'hello' },
    ...overrides,
  };
}

export const volumeBody = (name, attachedTo) => ({
  name,
  tags: ['gvisor'],
  mounts: [{ containerMountPath: '/data' }],
  spec: { accessMode: 'ReadWriteOnce', storageClassName: 'ssd', storageSize: 4096 },
  ...(attachedTo ? { attachedObjects: [{ id: attachedTo, type: 'service' }] } : {}),
});

export async function deploymentCount(serviceId, projectId = project) {
  const state = await sim('/state');
  return state.services.find((s) => s.projectId === projectId && s.id === serviceId)?.deploymentCount;
}
