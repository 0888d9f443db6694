// The reference side of the benchmark's `connect` scenario (tests/Benchmarks/ConnectScenario.cs): Northflank's official
// JavaScript client running commands straight on the simulator, timed the way the benchmark times the same commands
// through Kubernetes. Not a contract check: contract.mjs does not run it. Prints one JSON object on stdout.
//
//   SIM_URL, SIM_TOKEN       the simulator and its token
//   PROJECT, SERVICE         the service the Sandbox runs as
//   SESSIONS                 one-shot sessions of `echo ok`, one after the other (the first WARMUP are not reported)
//   STREAM_BYTES, STREAMS    sessions that write STREAM_BYTES bytes to stdout, one after the other
//   STDINS                   sessions that read STREAM_BYTES bytes from stdin (optional, 0 by default)
import { ApiClient, ApiClientInMemoryContextProvider } from '@northflank/js-client';

const env = (name) => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    console.error(`Set ${name}.`);
    process.exit(2);
  }
  return value;
};
const target = { projectId: env('PROJECT'), serviceId: env('SERVICE') };
const sessions = Number(env('SESSIONS'));
const warmup = Number(process.env.WARMUP ?? '0');
const streamBytes = Number(env('STREAM_BYTES'));
const streams = Number(env('STREAMS'));
const stdins = Number(process.env.STDINS ?? '0');

const contexts = new ApiClientInMemoryContextProvider();
await contexts.addContext({ name: 'simulator', token: env('SIM_TOKEN'), host: env('SIM_URL').replace(/\/$/, '') });
const api = new ApiClient(contexts, { throwErrorOnHttpErrorCode: true });

// The first stdout frame is seen where the client decodes it: its command runner emits 'std-out-data' before it writes
// the bytes to the stdOut stream. A listener on that stream could be attached only after the session's promise resolved,
// when the frame may have been read already, which would date it late.
if (typeof api.exec.getCommandRunner !== 'function') {
  console.error('this version of @northflank/js-client has no exec.getCommandRunner to time the first byte with');
  process.exit(2);
}
// Its 'auth-success' is the simulator's answer to the init frame: the session is open.
let openedAt;
let firstByteAt;
const createRunner = api.exec.getCommandRunner.bind(api.exec);
api.exec.getCommandRunner = (config) => {
  const runner = createRunner(config);
  runner.once('auth-success', () => { openedAt ??= performance.now(); });
  runner.once('std-out-data', () => { firstByteAt ??= performance.now(); });
  return runner;
};

const seconds = (from, to) => (to - from) / 1000;

/** One `echo ok` as execServiceCommand runs it: the seconds to its first stdout byte and to its result. */
async function oneShot() {
  openedAt = undefined;
  firstByteAt = undefined;
  const start = performance.now();
  const { commandResult, stdOut } = await api.exec.execServiceCommand(target, { command: ['echo', 'ok'] });
  const done = performance.now();
  if (commandResult.exitCode !== 0 || stdOut !== 'ok\n' || openedAt === undefined || firstByteAt === undefined) {
    throw new Error(`echo ok: exit ${commandResult.exitCode}, stdout ${JSON.stringify(stdOut)}`);
  }
  return { bytes: stdOut.length, openedSeconds: seconds(start, openedAt), firstByteSeconds: seconds(start, firstByteAt), completedSeconds: seconds(start, done) };
}

/**
 * A command writing streamBytes bytes of 'a' to stdout, read as a session's stdOut stream, base64 on the wire as the
 * operator asks Northflank for (and as the client's own file copy does), so both paths move the same frames from the
 * simulator.
 */
async function stream() {
  openedAt = undefined;
  firstByteAt = undefined;
  const start = performance.now();
  const session = await api.exec.execServiceSession(target, {
    command: ['sh', '-c', `head -c ${streamBytes} /dev/zero | tr '\\0' a`], shell: 'none', encoding: 'base64',
  });
  let bytes = 0;
  let lastByteAt = start;
  session.stdOut.on('data', (chunk) => { bytes += chunk.length; lastByteAt = performance.now(); });
  const result = await session.waitForCommandResult();
  const done = performance.now();
  if (result.exitCode !== 0 || bytes !== streamBytes) {
    throw new Error(`stream: exit ${result.exitCode}, ${bytes} bytes of ${streamBytes}`);
  }
  return { bytes, openedSeconds: seconds(start, openedAt), firstByteSeconds: seconds(start, firstByteAt), lastByteSeconds: seconds(start, lastByteAt), completedSeconds: seconds(start, done) };
}

/**
 * streamBytes bytes of 'a' written to a session's stdIn as fast as it takes them, then its end; the command prints ok
 * once it has counted exactly that many (the first stdout byte: everything has arrived).
 */
async function stdin() {
  openedAt = undefined;
  firstByteAt = undefined;
  const start = performance.now();
  const session = await api.exec.execServiceSession(target, {
    command: ['sh', '-c', `test "$(wc -c)" -eq ${streamBytes} && echo ok`], shell: 'none',
  });
  const chunk = 'a'.repeat(32 * 1024);
  for (let sent = 0; sent < streamBytes; sent += chunk.length) {
    if (!session.stdIn.write(chunk.slice(0, Math.min(chunk.length, streamBytes - sent)))) {
      await new Promise((resolve) => session.stdIn.once('drain', resolve));
    }
  }
  session.stdIn.end();
  const result = await session.waitForCommandResult();
  const done = performance.now();
  if (result.exitCode !== 0 || firstByteAt === undefined) {
    throw new Error(`stdin: exit ${result.exitCode}: the command did not count ${streamBytes} bytes`);
  }
  return { bytes: 3, openedSeconds: seconds(start, openedAt), firstByteSeconds: seconds(start, firstByteAt), completedSeconds: seconds(start, done) };
}

const starts = [];
for (let i = 0; i < warmup + sessions; i++) {
  const timing = await oneShot();
  if (i >= warmup) starts.push(timing);
}
const streamed = [];
for (let i = 0; i < streams; i++) {
  streamed.push(await stream());
}
const stdinRuns = [];
for (let i = 0; i < stdins; i++) {
  stdinRuns.push(await stdin());
}
console.log(JSON.stringify({ starts, streams: streamed, stdins: stdinRuns }));
process.exit(0);
