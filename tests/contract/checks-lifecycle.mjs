// Projects, a service's life (create, PUT, PATCH, scale, pause, resume, restart, ports, environment, delete), volumes
// and pagination, driven through the official client as an operator would.
import {
  api, project, pagesProject, check, expect, equal, expectError, sim, waitForService, completed, serviceBody, volumeBody,
  deploymentCount,
} from './lib.mjs';

const parameters = { projectId: project };
const life = 'life-service';
const onLife = { parameters: { ...parameters, serviceId: life } };

export async function projectChecks() {
  await check('list plans', async () => {
    const { data } = await api.list.plans({});
    const plan = data.plans.find((p) => p.id === 'nf-compute-20');
    expect(plan, 'nf-compute-20 missing');
    expect(typeof plan.cpuResource === 'number' && typeof plan.ramResource === 'number', 'plan resources are not numbers');
  });

  await check('create project (POST): the id is the slug of the name', async () => {
    const { data } = await api.create.project({ data: { name: 'Contract Project', description: 'first', color: '#EF233C' } });
    equal(data.id, project, 'id');
    equal(data.name, 'Contract Project', 'name');
    equal(data.description, 'first', 'description');
  });

  await check('create-or-update project (PUT) matches by derived id', async () => {
    const { data } = await api.put.project({ data: { name: 'contract project', description: 'second' } });
    equal(data.id, project, 'id');
    equal(data.description, 'second', 'description');
    await api.put.project({ data: { name: pagesProject } });
  });

  await check('get and list projects', async () => {
    const { data } = await api.get.project({ parameters });
    equal(data.id, project, 'id');
    expect(Array.isArray(data.services) && typeof data.deployment?.region === 'string', 'services or region missing');
    const list = await api.list.projects({});
    const ids = list.data.projects.map((p) => p.id);
    expect(ids.includes('default-project') && ids.includes(project), `projects: ${ids}`);
    equal(list.pagination.count, ids.length, 'pagination.count');
  });
}

export async function serviceChecks() {
  await check('create deployment service (POST) starts a deployment', async () => {
    const { data } = await api.create.service.deployment({ parameters, data: serviceBody('Life Service') });
    equal(data.id, life, 'id');
    equal(data.name, 'Life Service', 'name');
    expect(data.appId.endsWith(`/${project}/${life}`), `appId ${data.appId}`);
    expect(['PENDING', 'IN_PROGRESS'].includes(data.status.deployment.status), `status ${data.status.deployment.status}`);
    equal(data.status.deployment.reason, 'DEPLOYING', 'reason');
    equal(data.deployment.external.imagePath, 'nginxinc/nginx-unprivileged:1.27', 'imagePath (as written)');
  });

  await check('service reaches COMPLETED and GET shows the display name', async () => {
    const service = await waitForService(life, completed, 'COMPLETED');
    equal(service.name, 'Life Service', 'name');
    equal(service.servicePaused, false, 'servicePaused');
    equal(service.deployment.instances, 1, 'deployment.instances');
    equal(service.billing.deploymentPlan, 'nf-compute-20', 'billing.deploymentPlan');
    expect(!Number.isNaN(Date.parse(service.status.deployment.lastTransitionTime)), 'lastTransitionTime is not a date');
    equal(service.tags.join(','), 'gvisor,sandbox-runtime', 'tags');
  });

  await check('PUT with an unchanged body does not redeploy', async () => {
    const before = await deploymentCount(life);
    const { data } = await api.put.service.deployment({ parameters, data: serviceBody('Life Service') });
    equal(data.status.deployment.status, 'COMPLETED', 'status');
    equal(await deploymentCount(life), before, 'deploymentCount');
  });

  await check('PUT with a new image redeploys (DEPLOYING)', async () => {
    const body = serviceBody('Life Service');
    body.deployment.external.imagePath = 'nginxinc/nginx-unprivileged:1.28';
    const { data } = await api.put.service.deployment({ parameters, data: body });
    equal(data.status.deployment.reason, 'DEPLOYING', 'reason');
    const service = await waitForService(life, completed, 'COMPLETED');
    equal(service.deployment.external.imagePath, 'nginxinc/nginx-unprivileged:1.28', 'imagePath');
  });

  await updateChecks();
  await portAndEnvironmentChecks();
  await endChecks();
}

async function updateChecks() {
  await check('PATCH updates the given fields only', async () => {
    const { data } = await api.patch.service.deployment({ ...onLife, data: { description: 'patched', tags: ['spot-nodes'] } });
    equal(data.description, 'patched', 'description');
    const service = (await api.get.service(onLife)).data;
    equal(service.tags.join(','), 'spot-nodes', 'tags');
    equal(service.deployment.external.imagePath, 'nginxinc/nginx-unprivileged:1.28', 'imagePath kept');
  });

  await check('PATCH instances scales (SCALING) to the new count', async () => {
    await api.patch.service.deployment({ ...onLife, data: { deployment: { instances: 2 } } });
    equal((await api.get.service(onLife)).data.status.deployment.reason, 'SCALING', 'reason');
    const service = await waitForService(life, completed, 'COMPLETED');
    equal(service.deployment.instances, 2, 'deployment.instances');
  });

  await check('pause scales to zero and marks the service paused', async () => {
    await api.pause.service(onLife);
    const service = await waitForService(life, completed, 'COMPLETED');
    equal(service.servicePaused, true, 'servicePaused');
    equal(service.deployment.instances, 0, 'deployment.instances');
    equal(service.status.deployment.reason, 'SCALING', 'reason');
  });

  await check('resume brings back the previous instance count', async () => {
    await api.resume.service({ ...onLife, data: {} });
    const service = await waitForService(life, completed, 'COMPLETED');
    equal(service.servicePaused, false, 'servicePaused');
    equal(service.deployment.instances, 2, 'deployment.instances');
  });

  await check('restart redeploys (DEPLOYING)', async () => {
    await api.restart.service(onLife);
    equal((await api.get.service(onLife)).data.status.deployment.reason, 'DEPLOYING', 'reason');
    await waitForService(life, completed, 'COMPLETED');
  });

}

async function endChecks() {
  await check('an image that cannot be pulled ends FAILED', async () => {
    const body = serviceBody('Broken Service');
    body.deployment.external.imagePath = 'example/does-not-exist:1';
    await api.create.service.deployment({ parameters, data: body });
    const final = (s) => !['PENDING', 'IN_PROGRESS'].includes(s.status.deployment.status);
    equal((await waitForService('broken-service', final, 'a final state')).status.deployment.status, 'FAILED', 'status');
  });

  await check('delete service, then it is gone (404)', async () => {
    await api.delete.service(onLife);
    await expectError(() => api.get.service(onLife), 404, life);
  });
}

async function portAndEnvironmentChecks() {
  await check('GET service shows ports with ids and a code.run DNS name for public ports', async () => {
    const { data } = await api.get.service(onLife);
    equal(data.ports.length, 1, 'ports.length');
    const [port] = data.ports;
    expect(/^p-[a-z0-9]+$/.test(port.id), `port id ${port.id}`);
    equal(port.protocol, 'HTTP', 'protocol');
    expect(/^http--life-service--[a-z0-9]+\.code\.run$/.test(port.dns), `dns ${port.dns}`);
  });

  await check('PATCH ports keeps a port by name and adds private ports without DNS', async () => {
    const httpId = (await api.get.service(onLife)).data.ports[0].id;
    const ports = [
      { name: 'http', internalPort: 8080, public: true, protocol: 'HTTP' },
      { name: 'metrics', internalPort: 9090, public: false, protocol: 'TCP' },
    ];
    await api.patch.service.deployment({ ...onLife, data: { ports } });
    const { data } = await api.get.service(onLife);
    equal(data.ports.find((p) => p.name === 'http').id, httpId, 'kept port id');
    equal(data.ports.find((p) => p.name === 'metrics').dns, undefined, 'private port dns');
    await waitForService(life, completed, 'COMPLETED');
  });

  await check('runtime environment can be set and read back; inspection shows names only', async () => {
    const { data } = await api.update.service.runtimeEnvironment({ ...onLife, data: { runtimeEnvironment: { GREETING: 'hi', MODE: 'test' } } });
    equal(data.success, true, 'success');
    const read = await api.get.service.runtimeEnvironment(onLife);
    equal(read.data.runtimeEnvironment.MODE, 'test', 'MODE');
    const state = await sim('/state');
    equal(state.services.find((s) => s.id === life).environmentNames.join(','), 'GREETING,MODE', 'environment names');
    expect(!JSON.stringify(state).includes('"test"'), 'inspection leaks an environment value');
    await waitForService(life, completed, 'COMPLETED');
  });
}

export async function volumeChecks() {
  await check('create volume attached to a service; the answer has no mounts', async () => {
    await api.create.service.deployment({ parameters, data: serviceBody('svc-vol') });
    const { data } = await api.create.volume({ parameters, data: volumeBody('Vol Data', 'svc-vol') });
    equal(data.id, 'vol-data', 'id');
    equal(data.name, 'Vol Data', 'name');
    equal(data.spec.storageSize, 4096, 'spec.storageSize');
    equal(data.attachedObjects[0]?.id, 'svc-vol', 'attachedObjects[0].id');
    equal(data.mounts, undefined, 'mounts');
  });

  await check('get and list volumes, without mounts', async () => {
    const { data } = await api.get.volume({ parameters: { ...parameters, volumeId: 'vol-data' } });
    equal(data.mounts, undefined, 'get mounts');
    await api.create.volume({ parameters, data: volumeBody('vol-spare') });
    const list = await api.list.volumes({ parameters });
    expect(Array.isArray(list.data), 'list volumes data is not an array');
    expect(list.data.every((v) => !('mounts' in v)), 'a listed volume has mounts');
    expect(list.data.some((v) => v.id === 'vol-spare'), 'vol-spare missing');
  });

  await check('detach and attach a volume', async () => {
    const onVolume = { parameters: { ...parameters, volumeId: 'vol-data' }, data: { nfObject: { id: 'svc-vol', type: 'service' } } };
    await api.detach.volume(onVolume);
    equal((await api.get.volume(onVolume)).data.attachedObjects.length, 0, 'attachedObjects after detach');
    await api.attach.volume(onVolume);
    equal((await api.get.volume(onVolume)).data.attachedObjects[0]?.id, 'svc-vol', 'attachedObjects after attach');
  });

  await check('delete service with delete_child_objects deletes its volume', async () => {
    await api.delete.service({ parameters: { ...parameters, serviceId: 'svc-vol' }, options: { delete_child_objects: true } });
    await expectError(() => api.get.volume({ parameters: { ...parameters, volumeId: 'vol-data' } }), 404, 'vol-data');
  });

  await check('delete service without delete_child_objects keeps its volume, detached', async () => {
    await api.create.service.deployment({ parameters, data: serviceBody('svc-keep', { createOptions: { volumesToAttach: ['vol-spare'] } }) });
    const onSpare = { parameters: { ...parameters, volumeId: 'vol-spare' } };
    equal((await api.get.volume(onSpare)).data.attachedObjects[0]?.id, 'svc-keep', 'attached by volumesToAttach');
    await api.delete.service({ parameters: { ...parameters, serviceId: 'svc-keep' } });
    equal((await api.get.volume(onSpare)).data.attachedObjects.length, 0, 'attachedObjects');
    await api.delete.volume(onSpare);
    await expectError(() => api.get.volume(onSpare), 404);
  });
}

export async function paginationChecks() {
  await check('list services pages 100 at a time and .all() gathers all 105', async () => {
    const names = Array.from({ length: 105 }, (_, i) => `page-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 15) {
      await Promise.all(names.slice(i, i + 15).map((name) =>
        api.create.service.deployment({ parameters: { projectId: pagesProject }, data: serviceBody(name) })));
    }

    const first = await api.list.services({ parameters: { projectId: pagesProject }, options: { per_page: 100 } });
    equal(first.data.services.length, 100, 'first page size');
    equal(first.pagination.hasNextPage, true, 'hasNextPage');
    expect(typeof first.pagination.cursor === 'string', 'cursor missing');
    const second = await first.pagination.getNextPage();
    equal(second.data.services.length, 5, 'second page size');
    equal(second.pagination.hasNextPage, false, 'second hasNextPage');
    const all = await api.list.services.all({ parameters: { projectId: pagesProject }, options: { per_page: 100 } });
    equal(all.data.services.map((s) => s.id).join(','), names.join(','), 'all() ids in order');
  });
}
