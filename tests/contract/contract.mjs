// Contract test: drives the Northflank simulator with Northflank's official JavaScript client, so any shape the
// simulator gets wrong shows up as the client would see it. Prints PASS/FAIL per check; exits non-zero on a failure.
//
//   SIM_URL=http://127.0.0.1:5000 SIM_TOKEN=... SIM_RESTRICTED_TOKEN=... node contract.mjs
//
// SIM_TOKEN may touch every project; SIM_RESTRICTED_TOKEN only `default-project`. The simulator should run with short
// deployment timings (tens of ms), a fresh state, and no faults.
import { ApiClient, ApiClientInMemoryContextProvider, NorthflankApiCallError } from '@northflank/js-client';

const baseUrl = (process.env.SIM_URL ?? '').replace(/\/$/, '');
const token = process.env.SIM_TOKEN;
const restrictedToken = process.env.SIM_RESTRICTED_TOKEN;
if (!baseUrl || !token || !restrictedToken) {
  console.error('Set SIM_URL, SIM_TOKEN and SIM_RESTRICTED_TOKEN.');
  process.exit(2);
}

async function client(apiToken, throwErrorOnHttpErrorCode = true) {
  const contexts = new ApiClientInMemoryContextProvider();
  await contexts.addContext({ name: 'simulator', token: apiToken, host: baseUrl });
  return new ApiClient(contexts, { throwErrorOnHttpErrorCode });
}

const api = await client(token);
const project = 'contract-project';
const pagesProject = 'contract-pages';
let failures = 0;
let passes = 0;

async function check(name, body) {
  try {
    await body();
    passes++;
    console.log(`PASS ${name}`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${name}: ${error?.stack ?? error}`);
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function equal(actual, expected, what) {
  expect(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Runs a call that must fail, and checks the client's error object. */
async function expectError(call, status, messagePart) {
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

async function sim(path, init) {
  const response = await fetch(`${baseUrl}/_sim${path}`, init);
  expect(response.ok, `/_sim${path} answered ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}

async function waitForService(serviceId, predicate, what, projectId = project) {
  const deadline = Date.now() + 15000;
  let last;
  while (Date.now() < deadline) {
    last = (await api.get.service({ parameters: { projectId, serviceId } })).data;
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${serviceId} never reached ${what}; last status ${JSON.stringify(last?.status)}`);
}

const completed = (s) => s.status?.deployment?.status === 'COMPLETED';

function serviceBody(name, overrides = {}) {
  return {
    name,
    description: 'contract test service',
    tags: ['sandbox', 'owner=contract'],
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

async function deploymentCount(serviceId) {
  const state = await sim('/state');
  return state.services.find((s) => s.projectId === project && s.id === serviceId)?.deploymentCount;
}

// --- plans and projects -------------------------------------------------------------------------------------------

await check('list plans', async () => {
  const { data } = await api.list.plans({});
  const plan = data.plans.find((p) => p.id === 'nf-compute-20');
  expect(plan, 'nf-compute-20 missing');
  expect(typeof plan.cpuResource === 'number' && typeof plan.ramResource === 'number', 'plan resources are not numbers');
  expect(typeof plan.amountPerHour === 'number' && typeof plan.currency === 'string', 'plan price fields missing');
});

await check('create project (POST)', async () => {
  const { data } = await api.create.project({ data: { name: project, description: 'first', color: '#EF233C' } });
  equal(data.id, project, 'id');
  equal(data.name, project, 'name');
  equal(data.description, 'first', 'description');
});

await check('create-or-update project (PUT)', async () => {
  const { data } = await api.put.project({ data: { name: project, description: 'second' } });
  equal(data.id, project, 'id');
  equal(data.description, 'second', 'description');
  await api.put.project({ data: { name: pagesProject } });
});

await check('get project', async () => {
  const { data } = await api.get.project({ parameters: { projectId: project } });
  equal(data.id, project, 'id');
  expect(Array.isArray(data.services), 'services is not an array');
  expect(typeof data.deployment?.region === 'string', 'deployment.region missing');
});

await check('list projects', async () => {
  const { data, pagination } = await api.list.projects({});
  const ids = data.projects.map((p) => p.id);
  expect(ids.includes('default-project') && ids.includes(project), `projects: ${ids}`);
  equal(pagination.hasNextPage, false, 'pagination.hasNextPage');
  equal(pagination.count, ids.length, 'pagination.count');
});

// --- service lifecycle --------------------------------------------------------------------------------------------

const life = 'svc-life';

await check('create deployment service (POST) starts a deployment', async () => {
  const { data } = await api.create.service.deployment({ parameters: { projectId: project }, data: serviceBody(life) });
  equal(data.id, life, 'id');
  equal(data.name, life, 'name');
  equal(data.serviceType, 'deployment', 'serviceType');
  expect(typeof data.appId === 'string' && data.appId.endsWith(`/${project}/${life}`), `appId ${data.appId}`);
  expect(['PENDING', 'IN_PROGRESS'].includes(data.status.deployment.status), `status ${data.status.deployment.status}`);
  equal(data.status.deployment.reason, 'DEPLOYING', 'reason');
  equal(data.deployment.external.imagePath, 'nginxinc/nginx-unprivileged:1.27', 'imagePath');
});

await check('service reaches COMPLETED', async () => {
  const service = await waitForService(life, completed, 'COMPLETED');
  equal(service.servicePaused, false, 'servicePaused');
  equal(service.deployment.instances, 1, 'deployment.instances');
  equal(service.billing.deploymentPlan, 'nf-compute-20', 'billing.deploymentPlan');
  expect(!Number.isNaN(Date.parse(service.status.deployment.lastTransitionTime)), 'lastTransitionTime is not a date');
  expect(service.tags.includes('owner=contract'), `tags ${service.tags}`);
});

await check('list services carries status and tags, not pause state', async () => {
  const { data } = await api.list.services({ parameters: { projectId: project } });
  const item = data.services.find((s) => s.id === life);
  expect(item, 'service missing from list');
  equal(item.status.deployment.status, 'COMPLETED', 'status');
  expect(item.tags.includes('sandbox'), 'tags missing');
  equal(item.projectId, project, 'projectId');
  expect(!('servicePaused' in item) && !('deployment' in item), 'list item exposes servicePaused or deployment');
});

await check('PUT with an unchanged body does not redeploy', async () => {
  const before = await deploymentCount(life);
  const { data } = await api.put.service.deployment({ parameters: { projectId: project }, data: serviceBody(life) });
  equal(data.id, life, 'id');
  equal(data.status.deployment.status, 'COMPLETED', 'status');
  equal(await deploymentCount(life), before, 'deploymentCount');
});

await check('PUT with a new image redeploys (DEPLOYING)', async () => {
  const body = serviceBody(life);
  body.deployment.external.imagePath = 'nginxinc/nginx-unprivileged:1.28';
  const { data } = await api.put.service.deployment({ parameters: { projectId: project }, data: body });
  expect(['PENDING', 'IN_PROGRESS'].includes(data.status.deployment.status), `status ${data.status.deployment.status}`);
  equal(data.status.deployment.reason, 'DEPLOYING', 'reason');
  const service = await waitForService(life, completed, 'COMPLETED');
  equal(service.deployment.external.imagePath, 'nginxinc/nginx-unprivileged:1.28', 'imagePath');
});

await check('PATCH updates the given fields only', async () => {
  const { data } = await api.patch.service.deployment({
    parameters: { projectId: project, serviceId: life },
    data: { description: 'patched', tags: ['patched'] },
  });
  equal(data.description, 'patched', 'description');
  const service = (await api.get.service({ parameters: { projectId: project, serviceId: life } })).data;
  equal(service.tags.join(','), 'patched', 'tags');
  equal(service.deployment.external.imagePath, 'nginxinc/nginx-unprivileged:1.28', 'imagePath kept');
});

await check('scale goes through SCALING to the new count', async () => {
  await api.scale.service({ parameters: { projectId: project, serviceId: life }, data: { instances: 2 } });
  const during = (await api.get.service({ parameters: { projectId: project, serviceId: life } })).data;
  equal(during.status.deployment.reason, 'SCALING', 'reason');
  const service = await waitForService(life, completed, 'COMPLETED');
  equal(service.deployment.instances, 2, 'deployment.instances');
});

await check('pause scales to zero and marks the service paused', async () => {
  await api.pause.service({ parameters: { projectId: project, serviceId: life } });
  const service = await waitForService(life, completed, 'COMPLETED');
  equal(service.servicePaused, true, 'servicePaused');
  equal(service.deployment.instances, 0, 'deployment.instances');
  equal(service.status.deployment.reason, 'SCALING', 'reason');
});

await check('resume brings back the previous instance count', async () => {
  await api.resume.service({ parameters: { projectId: project, serviceId: life }, data: {} });
  const service = await waitForService(life, completed, 'COMPLETED');
  equal(service.servicePaused, false, 'servicePaused');
  equal(service.deployment.instances, 2, 'deployment.instances');
});

await check('restart redeploys (DEPLOYING)', async () => {
  await api.restart.service({ parameters: { projectId: project, serviceId: life } });
  const service = (await api.get.service({ parameters: { projectId: project, serviceId: life } })).data;
  equal(service.status.deployment.reason, 'DEPLOYING', 'reason');
  await waitForService(life, completed, 'COMPLETED');
});

let httpPortId;
await check('ports carry ids and a code.run DNS name for public ports', async () => {
  const { data } = await api.get.service.ports({ parameters: { projectId: project, serviceId: life } });
  equal(data.ports.length, 1, 'ports.length');
  const [port] = data.ports;
  httpPortId = port.id;
  expect(typeof port.id === 'string' && port.id.length > 0, 'port id missing');
  equal(port.protocol, 'HTTP', 'protocol');
  equal(port.public, true, 'public');
  expect(/^http--svc-life--[a-z0-9]+\.code\.run$/.test(port.dns), `dns ${port.dns}`);
});

await check('replacing ports keeps a given port id and adds private ports without DNS', async () => {
  await api.update.service.ports({
    parameters: { projectId: project, serviceId: life },
    data: {
      ports: [
        { id: httpPortId, name: 'http', internalPort: 8080, public: true, protocol: 'HTTP' },
        { name: 'metrics', internalPort: 9090, public: false, protocol: 'TCP' },
      ],
    },
  });
  const { data } = await api.get.service.ports({ parameters: { projectId: project, serviceId: life } });
  equal(data.ports.length, 2, 'ports.length');
  equal(data.ports.find((p) => p.name === 'http').id, httpPortId, 'kept port id');
  const metrics = data.ports.find((p) => p.name === 'metrics');
  equal(metrics.dns, undefined, 'private port dns');
  await waitForService(life, completed, 'COMPLETED');
});

await check('runtime environment can be set and read back', async () => {
  const { data } = await api.update.service.runtimeEnvironment({
    parameters: { projectId: project, serviceId: life },
    data: { runtimeEnvironment: { GREETING: 'hi', MODE: 'test' } },
  });
  equal(data.success, true, 'success');
  const read = await api.get.service.runtimeEnvironment({ parameters: { projectId: project, serviceId: life } });
  equal(read.data.runtimeEnvironment.MODE, 'test', 'MODE');
  equal(read.data.runtimeEnvironment.GREETING, 'hi', 'GREETING');
  const state = await sim('/state');
  const names = state.services.find((s) => s.id === life).environmentNames;
  equal(names.join(','), 'GREETING,MODE', 'inspection shows env names');
  expect(!JSON.stringify(state).includes('"test"'), 'inspection leaks an environment value');
});

await check('an image that cannot be pulled ends FAILED', async () => {
  const body = serviceBody('svc-broken');
  body.deployment.external.imagePath = 'example/does-not-exist:1';
  await api.create.service.deployment({ parameters: { projectId: project }, data: body });
  const service = await waitForService('svc-broken', (s) => s.status.deployment.status !== 'PENDING' && s.status.deployment.status !== 'IN_PROGRESS', 'a final state');
  equal(service.status.deployment.status, 'FAILED', 'status');
});

await check('delete service, then it is gone (404)', async () => {
  await api.delete.service({ parameters: { projectId: project, serviceId: life } });
  await expectError(() => api.get.service({ parameters: { projectId: project, serviceId: life } }), 404, life);
});

// --- volumes ------------------------------------------------------------------------------------------------------

const volumeBody = (name, attachedTo) => ({
  name,
  tags: ['sandbox'],
  mounts: [{ containerMountPath: '/data' }],
  spec: { accessMode: 'ReadWriteOnce', storageClassName: 'ssd', storageSize: 4096 },
  ...(attachedTo ? { attachedObjects: [{ id: attachedTo, type: 'service' }] } : {}),
});

await check('create volume attached to a service', async () => {
  await api.create.service.deployment({ parameters: { projectId: project }, data: serviceBody('svc-vol') });
  const { data } = await api.create.volume({ parameters: { projectId: project }, data: volumeBody('vol-data', 'svc-vol') });
  equal(data.id, 'vol-data', 'id');
  equal(data.spec.accessMode, 'ReadWriteOnce', 'spec.accessMode');
  equal(data.spec.storageSize, 4096, 'spec.storageSize');
  equal(data.attachedObjects[0]?.id, 'svc-vol', 'attachedObjects[0].id');
  expect(typeof data.status === 'string' && typeof data.createdAt === 'string', 'status/createdAt missing');
});

await check('get and list volumes', async () => {
  const { data } = await api.get.volume({ parameters: { projectId: project, volumeId: 'vol-data' } });
  equal(data.name, 'vol-data', 'name');
  await api.create.volume({ parameters: { projectId: project }, data: volumeBody('vol-spare') });
  const list = await api.list.volumes({ parameters: { projectId: project } });
  expect(Array.isArray(list.data), 'list volumes data is not an array');
  equal(list.data.map((v) => v.id).join(','), 'vol-data,vol-spare', 'volume ids');
  equal(list.pagination.count, 2, 'pagination.count');
});

await check('ReadWriteOnce volume blocks scaling its service past one instance', async () => {
  await expectError(
    () => api.scale.service({ parameters: { projectId: project, serviceId: 'svc-vol' }, data: { instances: 2 } }),
    400, 'ReadWriteOnce');
});

await check('detach and attach a volume', async () => {
  await api.detach.volume({
    parameters: { projectId: project, volumeId: 'vol-data' },
    data: { nfObject: { id: 'svc-vol', type: 'service' } },
  });
  let { data } = await api.get.volume({ parameters: { projectId: project, volumeId: 'vol-data' } });
  equal(data.attachedObjects.length, 0, 'attachedObjects after detach');
  await api.attach.volume({
    parameters: { projectId: project, volumeId: 'vol-data' },
    data: { nfObject: { id: 'svc-vol', type: 'service' } },
  });
  ({ data } = await api.get.volume({ parameters: { projectId: project, volumeId: 'vol-data' } }));
  equal(data.attachedObjects[0]?.id, 'svc-vol', 'attachedObjects after attach');
});

await check('delete service with delete_child_objects deletes its volume', async () => {
  await api.delete.service({ parameters: { projectId: project, serviceId: 'svc-vol' }, options: { delete_child_objects: true } });
  await expectError(() => api.get.volume({ parameters: { projectId: project, volumeId: 'vol-data' } }), 404, 'vol-data');
});

await check('delete service without delete_child_objects keeps its volume, detached', async () => {
  await api.create.service.deployment({
    parameters: { projectId: project },
    data: serviceBody('svc-keep', { createOptions: { volumesToAttach: ['vol-spare'] } }),
  });
  let { data } = await api.get.volume({ parameters: { projectId: project, volumeId: 'vol-spare' } });
  equal(data.attachedObjects[0]?.id, 'svc-keep', 'attached by volumesToAttach');
  await api.delete.service({ parameters: { projectId: project, serviceId: 'svc-keep' } });
  ({ data } = await api.get.volume({ parameters: { projectId: project, volumeId: 'vol-spare' } }));
  equal(data.attachedObjects.length, 0, 'attachedObjects');
  await api.delete.volume({ parameters: { projectId: project, volumeId: 'vol-spare' } });
  await expectError(() => api.get.volume({ parameters: { projectId: project, volumeId: 'vol-spare' } }), 404);
});

// --- pagination ---------------------------------------------------------------------------------------------------

await check('list services pages 100 at a time and .all() gathers all 105', async () => {
  const names = Array.from({ length: 105 }, (_, i) => `page-${String(i).padStart(3, '0')}`);
  for (let i = 0; i < names.length; i += 15) {
    await Promise.all(names.slice(i, i + 15).map((name) =>
      api.create.service.deployment({ parameters: { projectId: pagesProject }, data: serviceBody(name) })));
  }

  const first = await api.list.services({ parameters: { projectId: pagesProject }, options: { per_page: 100 } });
  equal(first.data.services.length, 100, 'first page size');
  equal(first.pagination.hasNextPage, true, 'hasNextPage');
  equal(first.pagination.count, 100, 'count');
  expect(typeof first.pagination.cursor === 'string', 'cursor missing');
  const second = await first.pagination.getNextPage();
  equal(second.data.services.length, 5, 'second page size');
  equal(second.pagination.hasNextPage, false, 'second hasNextPage');

  const all = await api.list.services.all({ parameters: { projectId: pagesProject }, options: { per_page: 100 } });
  const ids = all.data.services.map((s) => s.id);
  equal(ids.length, 105, 'all() count');
  equal(new Set(ids).size, 105, 'distinct ids');
  equal(ids.join(','), names.join(','), 'order');
});

await check('per_page above 100 is rejected', async () => {
  await expectError(() => api.list.services({ parameters: { projectId: pagesProject }, options: { per_page: 101 } }), 400, 'per_page');
});

// --- errors -------------------------------------------------------------------------------------------------------

await check('400: unknown deployment plan', async () => {
  const body = serviceBody('svc-bad-plan', { billing: { deploymentPlan: 'nf-compute-9000' } });
  await expectError(() => api.create.service.deployment({ parameters: { projectId: project }, data: body }), 400, 'billing.deploymentPlan');
});

await check('400: bad port protocol', async () => {
  const body = serviceBody('svc-bad-port', { ports: [{ name: 'p', internalPort: 80, protocol: 'SCTP' }] });
  const error = await expectError(() => api.create.service.deployment({ parameters: { projectId: project }, data: body }), 400, 'protocol');
  equal(error.details?.field, 'ports[0].protocol', 'error.details.field');
});

await check('400: duplicate port numbers', async () => {
  const body = serviceBody('svc-dup-port', {
    ports: [{ name: 'a', internalPort: 80, protocol: 'HTTP' }, { name: 'b', internalPort: 80, protocol: 'TCP' }],
  });
  await expectError(() => api.create.service.deployment({ parameters: { projectId: project }, data: body }), 400, 'duplicate');
});

await check('400: name outside the rules', async () => {
  await expectError(
    () => api.create.service.deployment({ parameters: { projectId: project }, data: serviceBody('Bad_Name') }), 400, 'name');
});

await check('401: unknown token', async () => {
  const stranger = await client('not-a-real-token');
  await expectError(() => stranger.list.projects({}), 401);
});

await check('403: token not allowed for the project', async () => {
  const restricted = await client(restrictedToken);
  await restricted.list.services({ parameters: { projectId: 'default-project' } });
  await expectError(() => restricted.list.services({ parameters: { projectId: project } }), 403, project);
});

await check('404: unknown project and service', async () => {
  await expectError(() => api.get.project({ parameters: { projectId: 'no-such-project' } }), 404, 'no-such-project');
  await expectError(() => api.get.service({ parameters: { projectId: project, serviceId: 'no-such-service' } }), 404);
});

await check('409: POST create reuses an existing name', async () => {
  await expectError(
    () => api.create.service.deployment({ parameters: { projectId: pagesProject }, data: serviceBody('page-000') }), 409, 'page-000');
});

await check('429: over the rate limit, with Retry-After', async () => {
  await sim('/rate-limit', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ limit: 2, window: '01:00:00', timeScale: 1, enabled: true }),
  });
  try {
    const raw = await client(token, false);
    const ok = await raw.list.plans({});
    equal(ok.rawResponse.headers.get('x-ratelimit-limit'), '2', 'X-RateLimit-Limit');
    equal(ok.rawResponse.headers.get('x-ratelimit-remaining'), '1', 'X-RateLimit-Remaining');
    await raw.list.plans({});
    const limited = await raw.list.plans({});
    equal(limited.error?.status, 429, 'error.status');
    expect(Number(limited.rawResponse.headers.get('retry-after')) > 0, 'Retry-After missing');
    await expectError(() => api.list.plans({}), 429, 'Rate limit');
  } finally {
    await sim('/rate-limit', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ limit: 1000, window: '01:00:00', timeScale: 1, enabled: true }),
    });
  }
});

await check('inspection counts requests per endpoint and never shows tokens', async () => {
  const counts = await sim('/counts');
  expect(counts['POST /v1/projects/{projectId}/services/deployment'] >= 105, 'create count');
  const requests = await sim('/requests');
  expect(requests.length > 0, 'no requests recorded');
  const text = JSON.stringify(requests);
  expect(!text.includes(token) && !text.includes(restrictedToken), 'a token appears in the request log');
});

console.log(`${failures === 0 ? 'PASS' : 'FAIL'}: ${passes} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
