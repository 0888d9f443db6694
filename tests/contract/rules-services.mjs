// One request (or a few) breaking each service rule of the README's rules table, keyed by the rule's id. Every 400 is
// read through the official client's error object: status 400, message starting with the field, details.field.
import { api, project, serviceBody, expect400, expectError, equal } from './lib.mjs';

const base = 'rules-base';
const parameters = { projectId: project };
const create = (data) => api.create.service.deployment({ parameters, data });
const put = (data) => api.put.service.deployment({ parameters, data });
const patch = (data) => api.patch.service.deployment({ parameters: { ...parameters, serviceId: base }, data });
const onBase = { parameters: { ...parameters, serviceId: base } };

/** A valid body with one change made to a copy of it. */
function broken(change) {
  const body = serviceBody('Rules Broken');
  change(body);
  return body;
}

const deployment = (change) => broken((b) => change(b.deployment));

/** Creates the service the PATCH, pause, resume, scale and ports rules work on ("Rules Base", id rules-base). */
export async function setUpServiceRules() {
  await create(serviceBody('Rules Base'));
}

export const serviceRules = {
  S1: async () => {
    await expect400(() => create(serviceBody('Bad_Name')), 'name');
    await expect400(() => create(serviceBody('ab')), 'name');
    await expect400(() => put(serviceBody(`A${'b'.repeat(54)}`)), 'name');
  },
  S2: async () => {
    const error = await expectError(() => create(serviceBody('rules base')), 409);
    equal(error.message, 'There is already a service with the same derived identifier', 'message');
  },
  S3: async () => {
    await expect400(() => create(broken((b) => { b.description = 'owner=contract'; })), 'description');
    await expect400(() => create(broken((b) => { b.description = 'x'.repeat(201); })), 'description');
  },
  S4: async () => {
    await expect400(() => create(broken((b) => { b.tags = ['owner=contract']; })), 'tags[0]');
    await expect400(() => create(broken((b) => { b.tags = ['gvisor', 'ab']; })), 'tags[1]');
  },
  S5: () => expect400(() => create(broken((b) => { b.tags = ['gvisor', 'not-a-team-tag']; })), 'tags[1]', 'team'),
  S6: () => expect400(() => create(broken((b) => { b.billing.deploymentPlan = 'nf compute 20'; })), 'billing.deploymentPlan'),
  S7: () => expect400(() => create(broken((b) => { b.billing.deploymentPlan = 'nf-compute-9000'; })), 'billing.deploymentPlan', 'unknown'),
  S8: async () => {
    await expect400(() => patch({ deployment: { external: { imagePath: 'nginx:1.28' } } }), 'deployment.instances', 'required');
    await expect400(() => create(deployment((d) => { delete d.instances; })), 'deployment.instances', 'required');
  },
  S9: async () => {
    await expect400(() => create(deployment((d) => { d.instances = -1; })), 'deployment.instances');
    await expect400(() => put(deployment((d) => { d.instances = 101; })), 'deployment.instances');
    await expect400(() => create(deployment((d) => { d.instances = 1.5; })), 'deployment.instances');
  },
  S10: async () => {
    await expect400(() => create(deployment((d) => { d.external.imagePath = 'nginx'; })), 'deployment.external.imagePath');
    await expect400(() => patch({ deployment: { instances: 1, external: { imagePath: 'ghcr.io/org/app' } } }), 'deployment.external.imagePath');
  },
  S11: async () => {
    await expect400(() => create(deployment((d) => { d.external.credentials = 'team/creds'; })), 'deployment.external.credentials');
    await expect400(() => create(deployment((d) => { d.external.credentials = { username: 'u' }; })), 'deployment.external.credentials');
  },
  S12: () => expect400(() => create(deployment((d) => { d.docker = { configType: 'entrypoint' }; })), 'deployment.docker.configType'),
  S13: async () => {
    await expect400(() => create(deployment((d) => { d.docker = { configType: 'customEntrypoint' }; })), 'deployment.docker.customEntrypoint');
    await expect400(() => create(deployment((d) => {
      d.docker = { configType: 'customEntrypointCustomCommand', customCommand: 'run' };
    })), 'deployment.docker.customEntrypoint');
  },
  S14: async () => {
    await expect400(() => create(deployment((d) => { d.docker = { configType: 'customCommand' }; })), 'deployment.docker.customCommand');
    await expect400(() => create(deployment((d) => {
      d.docker = { configType: 'customEntrypointCustomCommand', customEntrypoint: '/bin/sh' };
    })), 'deployment.docker.customCommand');
  },
  S15: async () => {
    const field = 'deployment.storage.ephemeralStorage.storageSize';
    await expect400(() => create(deployment((d) => { d.storage.ephemeralStorage.storageSize = 512; })), field);
    await expect400(() => create(deployment((d) => { d.storage.ephemeralStorage.storageSize = 102401; })), field);
  },
  S16: async () => {
    await expect400(() => create(deployment((d) => { d.metadata = { labels: { team: 1 } }; })), 'deployment.metadata.labels.team');
    await expect400(() => patch({ deployment: { instances: 1, metadata: { annotations: 'x' } } }), 'deployment.metadata.annotations');
  },
  S17: async () => {
    await expect400(() => create(broken((b) => { b.ports[0].name = 'metrics-1'; })), 'ports[0].name');
    await expect400(() => create(broken((b) => { b.ports[0].name = '9p'; })), 'ports[0].name');
  },
  S18: () => expect400(() => create(broken((b) => { b.ports[0].internalPort = 70000; })), 'ports[0].internalPort'),
  S19: () => expect400(() => create(broken((b) => { b.ports[0].protocol = 'SCTP'; })), 'ports[0].protocol'),
  S20: async () => {
    await expect400(() => create(broken((b) => { b.ports[0].protocol = 'TCP'; })), 'ports[0].public', 'HTTP');
    await expect400(() => patch({ ports: [{ name: 'dns', internalPort: 53, public: true, protocol: 'UDP' }] }), 'ports[0].public');
  },
  S21: async () => {
    await expect400(() => create(broken((b) => {
      b.ports.push({ name: 'admin', internalPort: 8080, protocol: 'TCP' });
    })), 'ports[1].internalPort', 'duplicate');
    await expect400(() => create(broken((b) => {
      b.ports.push({ name: 'HTTP', internalPort: 9090, protocol: 'TCP' });
    })), 'ports[1].name', 'duplicate');
  },
  S22: async () => {
    await expect400(() => create(broken((b) => { b.runtimeEnvironment = { 'with-dash': 'x' }; })), 'runtimeEnvironment.with-dash');
    await expect400(() => create(broken((b) => { b.runtimeEnvironment = { COUNT: 1 }; })), 'runtimeEnvironment.COUNT');
    await expect400(() => create(broken((b) => { b.runtimeEnvironment = { GONE: null }; })), 'runtimeEnvironment.GONE');
  },
  S23: () => expect400(() => create(broken((b) => { b.createOptions = { volumesToAttach: ['no'] }; })), 'createOptions.volumesToAttach[0]'),
  S24: async () => {
    await expect400(() => create(broken((b) => { b.createOptions = { expiryTime: 299 }; })), 'createOptions.expiryTime');
    await expect400(() => create(broken((b) => { b.createOptions = { expiryTime: 604801 }; })), 'createOptions.expiryTime');
  },
  S25: async () => {
    const unsupported = 'not supported by the simulator';
    await expect400(() => create(broken((b) => { b.healthChecks = []; })), 'healthChecks', unsupported);
    await expect400(() => put(broken((b) => { b.autoscaling = { horizontal: { enabled: false } }; })), 'autoscaling', unsupported);
    await expect400(() => create(deployment((d) => { d.internal = { id: 'builder', branch: 'main' }; })), 'deployment.internal', unsupported);
    await expect400(() => create(broken((b) => { b.ports[0].domains = ['app.example.com']; })), 'ports[0].domains', unsupported);
  },
  S26: async () => {
    const unknown = 'not a field of this request';
    await expect400(() => patch({ name: 'Renamed' }), 'name', unknown);
    await expect400(() => put(broken((b) => { b.ports[0].id = 'p-abc'; })), 'ports[0].id', unknown);
    await expect400(() => create(broken((b) => { b.colour = 'red'; })), 'colour', unknown);
  },
  S27: async () => {
    await expect400(() => create(broken((b) => { delete b.billing; })), 'billing', 'required');
    await expect400(() => create(deployment((d) => { delete d.external; })), 'deployment.external', 'required');
  },
  S29: async () => {
    const error = await expectError(() => api.resume.service({ ...onBase, data: {} }), 409);
    equal(error.message, 'The service could not be resumed as it is not paused', 'message');
  },
  S30: async () => {
    await api.pause.service(onBase);
    try {
      await expectError(() => api.pause.service(onBase), 409, 'already paused');
    } finally {
      await api.resume.service({ ...onBase, data: {} });
    }
  },
  S31: async () => {
    await expect400(() => api.resume.service({ ...onBase, data: { instances: 101 } }), 'instances');
    await expect400(() => api.resume.service({ ...onBase, data: { disabledCI: true } }), 'disabledCI', 'not supported');
  },
  S32: async () => {
    await expect400(() => api.scale.service({ ...onBase, data: { deploymentPlan: 'nf compute' } }), 'deploymentPlan');
    await expect400(() => api.scale.service({ ...onBase, data: { instances: -1 } }), 'instances');
  },
  S33: async () => {
    const port = { name: 'http', internalPort: 8080, public: true, protocol: 'HTTP' };
    await expect400(() => api.update.service.ports({ ...onBase, data: { ports: [{ ...port, id: 'P_1' }] } }), 'ports[0].id');
    await expect400(() => api.update.service.ports({ ...onBase, data: { ports: [{ ...port, id: 'p-unknown' }] } }), 'ports[0].id', 'no existing port');
  },
  S34: async () => {
    const unverified = 'Unable to verify external image';
    const privateImage = 'registry.private.example/acme/agent:1.0';
    await expectError(() => create(deployment((d) => { d.external = { imagePath: privateImage }; })), 400, unverified);
    await expectError(() => create(deployment((d) => { d.external.credentials = 'never-saved'; })), 400, unverified);
    await expectError(() => create(deployment((d) => { d.external.imagePath = 'acme/cannot-verify:1.0'; })), 400, unverified);
    await expectError(() => patch({ deployment: { instances: 1, external: { imagePath: privateImage } } }), 400, unverified);
    const withCredentials = serviceBody('Rules Private');
    withCredentials.deployment.external = { imagePath: privateImage, credentials: 'simulator-registry' };
    await create(withCredentials);
    await api.delete.service({ parameters: { ...parameters, serviceId: 'rules-private' } });
  },
};
