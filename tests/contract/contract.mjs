// Contract test: drives the Northflank simulator with Northflank's official JavaScript client, so any shape or rule the
// simulator gets wrong shows up as the client would see it. Prints PASS/FAIL per check; exits non-zero on a failure.
//
//   SIM_URL=http://127.0.0.1:5000 SIM_TOKEN=... SIM_RESTRICTED_TOKEN=... node contract.mjs
//
// SIM_TOKEN may touch every project; SIM_RESTRICTED_TOKEN only `default-project`; both belong to one account. The
// simulator should run with short deployment timings (tens of ms), a short log heartbeat (Logs.HeartbeatInterval, a few
// hundred ms, for the tail check), a fresh state, no faults and default team tags.
//
// Every rule of the rules table in tests/NorthflankSimulator/README.md has a case here, keyed by the rule's id (S1,
// V3, ...); a rule without a case, or a case without a rule, is itself a failure.
import { readFile } from 'node:fs/promises';
import { check, results, setRateLimit } from './lib.mjs';
import { projectChecks, serviceChecks, volumeChecks, paginationChecks } from './checks-lifecycle.mjs';
import { shapeChecks, protocolChecks } from './checks-shapes.mjs';
import { streamChecks } from './checks-streams.mjs';
import { serviceRules, setUpServiceRules } from './rules-services.mjs';
import { otherRules, setUpOtherRules } from './rules-others.mjs';

async function readmeRuleIds() {
  const readme = await readFile(new URL('../NorthflankSimulator/README.md', import.meta.url), 'utf8');
  return [...readme.matchAll(/^\| ([SVPL]\d+) \|/gm)].map((match) => match[1]);
}

async function ruleChecks() {
  const cases = { ...serviceRules, ...otherRules };
  const ids = await readmeRuleIds();
  await check('every README rule has a contract case and every case a rule', async () => {
    const missing = ids.filter((id) => !(id in cases));
    const extra = Object.keys(cases).filter((id) => !ids.includes(id));
    if (ids.length === 0 || missing.length > 0 || extra.length > 0) {
      throw new Error(`rules ${ids.length}; without a case: ${missing.join(',') || '-'}; cases without a rule: ${extra.join(',') || '-'}`);
    }
  });

  await setUpServiceRules();
  await setUpOtherRules();
  for (const id of ids.filter((rule) => rule in cases)) {
    await check(`rule ${id}`, cases[id]);
  }
}

await projectChecks();
await serviceChecks();
await volumeChecks();
await paginationChecks();
await ruleChecks();
await shapeChecks();
await streamChecks();
// Fresh rate-limit windows, so the header checks see the documented default limit from a known count.
await setRateLimit(1000);
await protocolChecks();

console.log(`${results.failures === 0 ? 'PASS' : 'FAIL'}: ${results.passes} passed, ${results.failures} failed`);
process.exit(results.failures === 0 ? 0 : 1);
