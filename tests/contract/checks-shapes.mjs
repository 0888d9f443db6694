// Answer shapes as the reference lists them, containers, expiry, deprecated endpoints, rate-limit headers, auth, and
// what the inspection API records.
import {
  api, client, project, pagesProject, token, restrictedToken, check, expect, equal, expectError, sameKeys, sim, setRateLimit,
  waitForService, completed, serviceBody,
} from './lib.mjs';

const parameters = { projectId: project };
const shape = 'shape-service';
const onShape = { parameters: { ...parameters, serviceId: shape } };
const statusKeys = ['status', 'reason', 'lastTransitionTime'];
const writeKeys = ['name', 'description', 'tags', 'billing', 'ports', 'runtimeEnvironment', 'serviceType', 'deployment', 'id',
  'appId', 'cluster', 'createdAt', 'updatedAt', 'status'];

export async function shapeChecks() {
  await check('POST, PUT and PATCH answers echo the request: no servicePaused, no projectId, ports without ids', async () => {
    const body = serviceBody('Shape Service');
    body.deployment.external.imagePath = 'python:3.12-slim';
    const created = (await api.create.service.deployment({ parameters, data: body })).data;
    sameKeys(created, writeKeys, 'POST answer');
    sameKeys(created.ports[0], ['name', 'internalPort', 'public', 'protocol'], 'POST answer port');
    sameKeys(created.status.deployment, statusKeys, 'POST status.deployment');
    sameKeys((await api.put.service.deployment({ parameters, data: body })).data, writeKeys, 'PUT answer');
    sameKeys((await api.patch.service.deployment({ ...onShape, data: { description: 'patched' } })).data, writeKeys, 'PATCH answer');
  });

  await check('GET service: the read shape, imagePath as written without the host (no library/ added), registryProvider', async () => {
    const service = await waitForService(shape, completed, 'COMPLETED');
    sameKeys(service, ['id', 'appId', 'name', 'tags', 'description', 'projectId', 'serviceType', 'createdAt', 'disabledCI', 'disabledCD',
      'billing', 'status', 'servicePaused', 'deployment', 'ports', 'cluster'], 'GET service');
    sameKeys(service.deployment, ['region', 'instances', 'external', 'docker', 'storage', 'imageUrl'], 'GET deployment');
    equal(service.deployment.external.imagePath, 'python:3.12-slim', 'imagePath');
    equal(service.deployment.external.registryProvider, 'dockerhub', 'registryProvider');
    equal(service.deployment.external.privateImage, false, 'privateImage');
    equal(service.deployment.imageUrl, 'docker.io/library/python:3.12-slim', 'imageUrl');
    sameKeys(service.ports[0], ['id', 'name', 'internalPort', 'protocol', 'public', 'dns', 'domains', 'disableNfDomain'], 'GET port');

    const ghcr = serviceBody('Shape Ghcr');
    ghcr.deployment.external = { imagePath: 'ghcr.io/northflank/app:1', credentials: 'simulator-registry' };
    await api.create.service.deployment({ parameters, data: ghcr });
    const external = (await api.get.service({ parameters: { ...parameters, serviceId: 'shape-ghcr' } })).data.deployment.external;
    equal(JSON.stringify(external), '{"imagePath":"northflank/app:1","registryProvider":"github","privateImage":true}', 'ghcr external');
  });

  await readShapeChecks();
  await stateChecks();
}

async function readShapeChecks() {
  await check('metadata is returned by GET service but not by the list', async () => {
    const metadata = { labels: { team: 'contract' }, annotations: { note: 'kept' } };
    await api.patch.service.deployment({ ...onShape, data: { deployment: { instances: 1, metadata } } });
    equal(JSON.stringify((await api.get.service(onShape)).data.deployment.metadata), JSON.stringify(metadata), 'metadata');
    const item = (await api.list.services({ parameters })).data.services.find((s) => s.id === shape);
    expect(!('deployment' in item) && !JSON.stringify(item).includes('metadata'), 'the list shows metadata');
  });

  await check('list items carry exactly the listed fields', async () => {
    const { data } = await api.list.services({ parameters });
    const item = data.services.find((s) => s.id === shape);
    sameKeys(item, ['id', 'appId', 'projectId', 'name', 'tags', 'description', 'serviceType', 'disabledCI', 'disabledCD', 'status'], 'list item');
    sameKeys(item.status.deployment, statusKeys, 'list item status.deployment');
    equal(item.name, 'Shape Service', 'name');
  });

  await check('a FAILED deployment carries no message', async () => {
    const service = (await api.get.service({ parameters: { ...parameters, serviceId: 'broken-service' } })).data;
    equal(service.status.deployment.status, 'FAILED', 'status');
    sameKeys(service.status.deployment, statusKeys, 'FAILED status.deployment');
  });

}

async function stateChecks() {
  await check('containers: one per instance, in the deployment\'s state (client method get.service.containers)', async () => {
    await api.patch.service.deployment({ ...onShape, data: { deployment: { instances: 2 } } });
    const starting = (await api.get.service.containers(onShape)).data.containers;
    equal(starting.length, 2, 'containers while deploying');
    expect(starting.every((c) => ['TASK_STAGING', 'TASK_STARTING'].includes(c.status)), `statuses ${starting.map((c) => c.status)}`);
    await waitForService(shape, completed, 'COMPLETED');
    const { data, pagination } = await api.get.service.containers(onShape);
    equal(pagination.count, 2, 'pagination.count');
    for (const container of data.containers) {
      sameKeys(container, ['name', 'createdAt', 'status', 'updatedAt'], 'container');
      equal(container.status, 'TASK_RUNNING', 'status');
      expect(Number.isInteger(container.createdAt) && Number.isInteger(container.updatedAt), 'times are not unix seconds');
    }

    await api.pause.service(onShape);
    equal((await api.get.service.containers(onShape)).data.containers.length, 0, 'containers while paused');
    await api.resume.service({ ...onShape, data: {} });
  });

  await check('createOptions.expiryTime: the write answer shows the absolute expiryTime', async () => {
    const before = Date.now();
    const { data } = await api.create.service.deployment({ parameters, data: serviceBody('Shape Expiring', { createOptions: { expiryTime: 300 } }) });
    const expiry = Date.parse(data.expiryTime);
    expect(expiry >= before + 299000 && expiry <= Date.now() + 301000, `expiryTime ${data.expiryTime}`);
    equal(data.createOptions?.expiryTime, 300, 'createOptions.expiryTime');
    equal(data.expiredAt, undefined, 'expiredAt');
    const state = await sim('/state');
    equal(Date.parse(state.services.find((s) => s.id === 'shape-expiring').expiry.expiryTime), expiry, 'inspection expiry');
  });
}

export async function protocolChecks() {
  await check('deprecated endpoints still answer, with a Deprecation header, and the request log marks them', async () => {
    const raw = await client(token, false);
    const ports = await raw.get.service.ports(onShape);
    equal(ports.rawResponse.headers.get('deprecation'), 'true', 'GET ports Deprecation');
    const updated = await raw.update.service.ports({ ...onShape, data: { ports: [{ name: 'http', internalPort: 8080, public: true, protocol: 'HTTP' }] } });
    equal(JSON.stringify(updated.data), '{}', 'update ports answer');
    equal(updated.rawResponse.headers.get('deprecation'), 'true', 'POST ports Deprecation');
    const scaled = await raw.scale.service({ ...onShape, data: { instances: 1 } });
    equal(scaled.rawResponse.headers.get('deprecation'), 'true', 'scale Deprecation');
    const fresh = await raw.get.service(onShape);
    equal(fresh.rawResponse.headers.get('deprecation'), null, 'GET service Deprecation');
    const requests = await sim('/requests');
    equal(requests.filter((r) => r.deprecated && r.path.startsWith(`/v1/projects/${project}/services/${shape}/`)).length, 3, 'deprecated requests logged');
  });

  await check('x-ratelimit-* headers on every answer, consistent from one request to the next', async () => {
    const raw = await client(token, false);
    const first = (await raw.list.plans({})).rawResponse.headers;
    const second = (await raw.get.service(onShape)).rawResponse.headers;
    const failed = (await raw.get.service({ parameters: { ...parameters, serviceId: 'no-such-service' } })).rawResponse.headers;
    for (const headers of [first, second, failed]) {
      equal(headers.get('x-ratelimit-limit'), '1000', 'x-ratelimit-limit');
      const reset = Number(headers.get('x-ratelimit-reset'));
      expect(reset > 0 && reset <= 3600, `x-ratelimit-reset ${reset}`);
    }

    equal(Number(second.get('x-ratelimit-remaining')), Number(first.get('x-ratelimit-remaining')) - 1, 'remaining counts down');
    equal(Number(failed.get('x-ratelimit-remaining')), Number(second.get('x-ratelimit-remaining')) - 1, 'an error counts too');
  });

  await limitAndAuthChecks();
}

async function limitAndAuthChecks() {
  await check('429 over the account\'s limit: both tokens share it, with Retry-After', async () => {
    await setRateLimit(2);
    try {
      const raw = await client(token, false);
      const ok = await raw.list.plans({});
      equal(ok.rawResponse.headers.get('x-ratelimit-remaining'), '1', 'x-ratelimit-remaining');
      await (await client(restrictedToken, false)).list.plans({});
      const limited = await raw.list.plans({});
      equal(limited.error?.status, 429, 'error.status');
      expect(Number(limited.rawResponse.headers.get('retry-after')) > 0, 'Retry-After missing');
      await expectError(() => api.list.plans({}), 429, 'Rate limit');
    } finally {
      await setRateLimit(1000);
    }
  });

  await check('401: unknown token; 403: token not allowed for the project; 404: unknown ids', async () => {
    await expectError(async () => (await client('not-a-real-token')).list.projects({}), 401);
    const restricted = await client(restrictedToken);
    await restricted.list.services({ parameters: { projectId: 'default-project' } });
    await expectError(() => restricted.list.services({ parameters }), 403, project);
    await expectError(() => api.get.project({ parameters: { projectId: 'no-such-project' } }), 404, 'no-such-project');
  });

  await check('409: POST create with the id of an existing service', async () => {
    await expectError(() => api.create.service.deployment({ parameters: { projectId: pagesProject }, data: serviceBody('Page 000') }), 409);
  });

  await check('the request log names each error\'s id and field, and never a token or a body', async () => {
    const requests = await sim('/requests');
    const tagError = requests.find((r) => r.errorField === 'tags[0]');
    equal(tagError?.errorId, 'validation-failed', 'errorId of a 400 on tags[0]');
    expect(requests.some((r) => r.errorId === 'conflict'), 'no conflict logged');
    const text = JSON.stringify(requests);
    expect(!text.includes(token) && !text.includes(restrictedToken), 'a token appears in the request log');
    expect(!text.includes('owner=contract'), 'a request body appears in the request log');
    const counts = await sim('/counts');
    expect(counts['POST /v1/projects/{projectId}/services/deployment'] >= 105, 'create count');
  });
}
