// The streaming protocols through the official client: exec (execServiceCommand / execServiceSession over the
// command-exec WebSocket) and logs (get.service.logs range, get.service.logTail over WebSocket). The simulator
// should run with a short heartbeat (Logs.HeartbeatInterval, a few hundred ms) so a tail sees new lines quickly.
import {
  api, client, project, check, expect, equal, setRateLimit, waitForService, completed, serviceBody,
} from './lib.mjs';

const parameters = { projectId: project };
const running = 'stream-service';
const onRunning = { ...parameters, serviceId: running };
const paused = 'stream-paused';

/** Runs a command the way execServiceCommand does and returns its { commandResult, stdOut, stdErr }. */
const exec = (options, target = onRunning, apiClient = api) => apiClient.exec.execServiceCommand(target, options);

/** A call that must be refused: the client rejects with an Error whose message carries the simulator's. */
async function expectRefused(call, messagePart) {
  try {
    await call();
  } catch (error) {
    expect(String(error?.message).includes(messagePart), `message "${error?.message}" lacks "${messagePart}"`);
    return;
  }
  throw new Error('expected the exec or tail to be refused, but it succeeded');
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function execChecks() {
  await check('exec runs a one-shot command: stdout, exit code 0, Success', async () => {
    const { commandResult, stdOut, stdErr } = await exec({ command: ['echo', 'hello', 'exec'] });
    equal(stdOut, 'hello exec\n', 'stdOut');
    equal(stdErr, '', 'stdErr');
    equal(commandResult.exitCode, 0, 'exitCode');
    equal(commandResult.status, 'Success', 'status');
  });

  await check('exec in a shell: stderr, the runtime environment, a non-zero exit is a Failure', async () => {
    const { commandResult, stdOut, stdErr } = await exec({ command: 'echo "$GREETING" >&2; exit 3', shell: 'sh -c' });
    equal(stdOut, '', 'stdOut');
    equal(stdErr, 'hello\n', 'stdErr (GREETING from runtimeEnvironment)');
    equal(commandResult.exitCode, 3, 'exitCode');
    equal(commandResult.status, 'Failure', 'status');
  });

  await check('exec runs in a per-service directory that keeps files between commands', async () => {
    await exec({ command: 'echo kept > note.txt', shell: 'sh -c' });
    const { stdOut } = await exec({ command: ['cat', 'note.txt'] });
    equal(stdOut, 'kept\n', 'stdOut');
  });

  await check('exec session: stdin through cat, ended by stdInEnd', async () => {
    const session = await api.exec.execServiceSession(onRunning, { command: 'cat', shell: 'none' });
    const chunks = [];
    session.stdOut.on('data', (chunk) => chunks.push(chunk.toString()));
    session.stdIn.write('ping\n');
    session.stdIn.write('pong\n');
    session.stdIn.end();
    const result = await session.waitForCommandResult();
    equal(chunks.join(''), 'ping\npong\n', 'stdOut');
    equal(result.exitCode, 0, 'exitCode');
  });

  await check('exec with tty runs under a terminal of the requested size', async () => {
    const { stdOut, commandResult } = await exec({ command: ['stty', 'size'], tty: true, ttyRows: 30, ttyColumns: 100 });
    expect(stdOut.includes('30 100'), `stdOut ${JSON.stringify(stdOut)} lacks "30 100"`);
    equal(commandResult.exitCode, 0, 'exitCode');
  });

  await check('exec of a command that does not exist completes with 127', async () => {
    const { commandResult } = await exec({ command: ['no-such-command-here'] });
    equal(commandResult.exitCode, 127, 'exitCode');
    equal(commandResult.status, 'Failure', 'status');
  });
}

async function refusalChecks() {
  await check('exec on a service with no running instance is refused', async () => {
    await expectRefused(() => exec({ command: ['true'] }, { ...parameters, serviceId: paused }), 'no running container');
  });

  await check('exec on an unknown service is refused with not found', async () => {
    await expectRefused(() => exec({ command: ['true'] }, { ...parameters, serviceId: 'no-such-service' }), 'not found');
  });

  await check('exec with an unknown token fails its initialization', async () => {
    const stranger = await client('not-a-token');
    await expectRefused(() => exec({ command: ['true'] }, onRunning, stranger), 'Command initialization failed');
  });

  await check('an exec session counts against the rate limit and is refused with 429 when it is exhausted', async () => {
    await setRateLimit(0);
    try {
      await expectRefused(() => exec({ command: ['true'] }), 'Rate limit');
    } finally {
      await setRateLimit(1000);
    }
  });
}

async function logChecks() {
  await check('log range answers containerId, log and ts, at most lineLimit, newest first', async () => {
    const { data } = await api.get.service.logs({ parameters: onRunning, options: { lineLimit: 2 } });
    equal(data.length, 2, 'lines');
    for (const line of data) {
      expect(line.containerId.startsWith(`${running}-`), `containerId ${line.containerId}`);
      expect(typeof line.log === 'string' && line.log.length > 0, 'log');
      expect(line.ts instanceof Date && !Number.isNaN(line.ts.getTime()), 'ts');
    }
    expect(data[0].ts >= data[1].ts, 'backward: newest first');
  });

  await check('log range filters by textIncludes and goes forward on request', async () => {
    const { data } = await api.get.service.logs({
      parameters: onRunning, options: { textIncludes: 'Container running', direction: 'forward' },
    });
    equal(data.length, 1, 'lines');
    expect(data[0].log.includes('Container running'), data[0].log);
  });

  await check('log tail sends the recent lines, then new lines as they appear', async () => {
    const tail = await api.get.service.logTail({ parameters: onRunning, options: { lineLimit: 1 } });
    const batches = [];
    tail.on('logs-received', (lines) => batches.push(lines));
    const errors = [];
    tail.on('error', (error) => errors.push(error));
    const ended = tail.start();
    const deadline = Date.now() + 10000;
    while (batches.length < 2 && Date.now() < deadline) await delay(50);
    await tail.stop();
    await ended;
    equal(errors.length, 0, `errors ${JSON.stringify(errors)}`);
    expect(batches.length >= 2, `batches received: ${batches.length}`);
    equal(batches[0].length, 1, 'first batch (lineLimit)');
    const later = batches[1][0];
    expect(later.ts > batches[0][0].ts && later.log.includes('heartbeat'), `new line ${JSON.stringify(later)}`);
  });
}

export async function streamChecks() {
  await api.create.service.deployment({ parameters, data: serviceBody('stream-service') });
  await api.create.service.deployment({
    parameters, data: serviceBody('stream-paused', { deployment: { ...serviceBody('x').deployment, instances: 0 } }),
  });
  await waitForService(running, completed, 'COMPLETED');
  await execChecks();
  await refusalChecks();
  await logChecks();
}
