// Breaking requests for the README's volume, project and list rules (and S28, which needs a volume).
import { api, project, serviceBody, volumeBody, expect400, expectError, equal } from './lib.mjs';

const parameters = { projectId: project };
const createVolume = (data) => api.create.volume({ parameters, data });
const createProject = (data) => api.create.project({ data });

function brokenVolume(change) {
  const body = volumeBody('Rules Volume Broken');
  change(body);
  return body;
}

const reference = (volumeId, data) => ({ parameters: { ...parameters, volumeId }, data });

/** "Rules Volume" (id rules-volume) is attached to "Rules Single" (id rules-single), a service with one instance. */
export async function setUpOtherRules() {
  await api.create.service.deployment({ parameters, data: serviceBody('Rules Single') });
  await api.create.service.deployment({ parameters, data: serviceBody('Rules Other') });
  await createVolume(volumeBody('Rules Volume', 'rules-single'));
}

export const otherRules = {
  S28: async () => {
    const data = { deployment: { instances: 2 } };
    await expect400(() => api.patch.service.deployment({ parameters: { ...parameters, serviceId: 'rules-single' }, data }),
      'deployment.instances', 'ReadWriteOnce');
  },
  V1: async () => {
    await expect400(() => createVolume(volumeBody('Bad_Volume')), 'name');
    await expect400(() => createVolume(volumeBody('vo')), 'name');
    await expect400(() => createVolume(volumeBody(`V${'o'.repeat(39)}`)), 'name');
  },
  V2: async () => {
    const error = await expectError(() => createVolume(volumeBody('rules volume')), 409);
    equal(error.message, 'There is already a volume with the same derived identifier', 'message');
  },
  V3: async () => {
    await expect400(() => createVolume(brokenVolume((v) => { v.tags = ['owner=contract']; })), 'tags[0]');
    await expect400(() => createVolume(brokenVolume((v) => { v.tags = ['not-a-team-tag']; })), 'tags[0]', 'team');
  },
  V4: async () => {
    await expect400(() => createVolume(brokenVolume((v) => { v.mounts[0].containerMountPath = '/data:ro'; })), 'mounts[0].containerMountPath');
    await expect400(() => createVolume(brokenVolume((v) => { v.mounts[0].containerMountPath = 'data'; })), 'mounts[0].containerMountPath');
  },
  V5: () => expect400(() => createVolume(brokenVolume((v) => { v.mounts[0].volumeMountPath = '../etc'; })), 'mounts[0].volumeMountPath'),
  V6: () => expect400(() => createVolume(brokenVolume((v) => { v.spec.accessMode = 'ReadOnlyMany'; })), 'spec.accessMode'),
  V7: async () => {
    await expect400(() => createVolume(brokenVolume((v) => { v.spec.storageSize = 512; })), 'spec.storageSize');
    await expect400(() => createVolume(brokenVolume((v) => { v.spec.storageSize = 1048577; })), 'spec.storageSize');
  },
  V8: async () => {
    await expect400(() => createVolume(brokenVolume((v) => { v.attachedObjects = [{ id: 'a/b', type: 'service' }]; })), 'attachedObjects[0].id');
    await expect400(() => createVolume(brokenVolume((v) => { v.owningObject = { id: 'nightly', type: 'job' }; })), 'owningObject.type', 'job');
    await expect400(() => api.attach.volume(reference('rules-volume', { nfObject: { id: 'rules-other', type: 'addon' } })), 'nfObject.type');
  },
  V9: async () => {
    await expect400(() => createVolume(brokenVolume((v) => { v.source = { type: 'volume', sourceId: 'rules-volume' }; })),
      'source', 'not supported by the simulator');
    await expect400(() => createVolume(brokenVolume((v) => { v.spec.size = 1; })), 'spec.size', 'not a field of this request');
  },
  V10: () => expect400(() => api.attach.volume(reference('rules-volume', { nfObject: { id: 'rules-other', type: 'service' } })),
    'nfObject.id', 'ReadWriteOnce'),
  V12: async () => {
    await expect400(() => createVolume(brokenVolume((v) => { v.spec.accessMode = 'ReadWriteMany'; })), 'spec.storageClassName', 'nf-multi-rw');
    await expect400(() => createVolume(brokenVolume((v) => { v.spec.accessMode = 'ReadWriteMany'; v.spec.storageClassName = 'ssd'; })),
      'spec.storageClassName', 'nf-multi-rw');
  },
  V11: () => expectError(() => api.delete.volume({ parameters: { ...parameters, volumeId: 'rules-volume' } }), 409, 'attached'),
  P1: async () => {
    await expect400(() => createProject({ name: 'Bad_Project' }), 'name');
    await expect400(() => createProject({ name: `P${'r'.repeat(39)}` }), 'name');
  },
  P2: () => expect400(() => createProject({ name: 'Rules Project', description: '<b>bold</b>' }), 'description'),
  P3: () => expect400(() => createProject({ name: 'Rules Project', color: 'red' }), 'color'),
  P4: () => expectError(() => createProject({ name: 'Contract Project' }), 409, 'derived identifier'),
  P5: async () => {
    await expect400(() => createProject({ name: 'Rules Project', region: 'us-east' }), 'region');
    await expect400(() => createProject({ name: 'Rules Project', networking: {} }), 'networking', 'not supported by the simulator');
  },
  L1: async () => {
    await expect400(() => api.list.services({ parameters, options: { per_page: 101 } }), 'per_page');
    await expect400(() => api.get.service.containers({ parameters: { ...parameters, serviceId: 'rules-single' }, options: { per_page: 0 } }), 'per_page');
  },
};
