'use strict';
// Starts and stops a real `krill serve` process for the Node.js black-box tests.
// Every node runs on free ports of 127.0.0.1 in its own temporary directory; whatever is still
// running when this process exits (normally or on SIGINT/SIGTERM) is SIGKILLed.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const STARTUP_TIMEOUT_MS = 30000;
const STOP_TIMEOUT_MS = 30000;

const live = new Set();

function killAll() {
  for (const node of live) {
    try { process.kill(node.proc.pid, 'SIGKILL'); } catch (_) { /* already gone */ }
  }
  live.clear();
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { killAll(); process.exit(130); });
}

function krillBin() {
  return process.env.KRILL_BIN || path.join(REPO_ROOT, 'build', 'krill');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function portAccepts(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => { sock.destroy(); resolve(ok); };
    sock.setTimeout(500, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class KrillNode {
  constructor(name = 'node', extraArgs = []) {
    this.name = name;
    this.extraArgs = extraArgs;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krill-node-'));
    this.dataDir = path.join(this.dir, 'data');
    this.logPath = path.join(this.dir, 'krill.log');
    this.proc = null;
    this.exitCode = null;
    this.exited = null;
  }

  logTail(lines = 80) {
    let text = '';
    try { text = fs.readFileSync(this.logPath, 'utf8'); } catch (_) { /* no log yet */ }
    const all = text.split('\n');
    return `----- last lines of ${this.logPath} -----\n${all.slice(-lines).join('\n')}`;
  }

  async start() {
    if (!this.nativePort) {
      this.nativePort = await freePort();
      do { this.httpPort = await freePort(); } while (this.httpPort === this.nativePort);
    }
    const bin = krillBin();
    try {
      fs.accessSync(bin, fs.constants.X_OK);
    } catch (_) {
      throw new Error(`krill binary not found or not executable: ${bin} (set KRILL_BIN)`);
    }
    const args = ['serve', '--data-dir', this.dataDir, '--listen-address', '127.0.0.1',
      '--native-port', String(this.nativePort), '--http-port', String(this.httpPort),
      '--smp', '2', ...this.extraArgs];
    fs.appendFileSync(this.logPath, `\n===== test harness: ${bin} ${args.join(' ')}\n`);
    const logOffset = fs.statSync(this.logPath).size;
    const fd = fs.openSync(this.logPath, 'a');
    this.proc = spawn(bin, args, { cwd: this.dir, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    this.exitCode = null;
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.exitCode = code === null ? `signal ${signal}` : code;
        live.delete(this);
        resolve(this.exitCode);
      });
    });
    live.add(this);

    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    let serving = false;
    while (Date.now() < deadline) {
      if (this.exitCode !== null) {
        throw new Error(`krill exited with ${this.exitCode} before serving\n${this.logTail()}`);
      }
      if (!serving) {
        const buf = fs.readFileSync(this.logPath);
        serving = buf.subarray(logOffset).toString('utf8').includes('serving');
      }
      if (serving && await portAccepts(this.nativePort)) return this;
      await sleep(50);
    }
    await this.kill();
    throw new Error(`krill not ready within ${STARTUP_TIMEOUT_MS / 1000}s ` +
      `(${serving ? 'port never accepted' : "no 'serving' line"})\n${this.logTail()}`);
  }

  running() {
    return this.proc !== null && this.exitCode === null;
  }

  // SIGTERM and wait for the drain; resolves to the exit code (SIGKILL + error on timeout).
  async stop() {
    if (!this.running()) return this.exitCode;
    this.proc.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS); });
    const res = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (res === 'timeout') {
      await this.kill();
      throw new Error(`krill did not exit within ${STOP_TIMEOUT_MS / 1000}s of SIGTERM\n${this.logTail()}`);
    }
    return res;
  }

  async kill() {
    if (this.running()) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }

  cleanup() {
    if (!process.env.KRILL_KEEP_TMP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

module.exports = { KrillNode, krillBin, freePort, sleep };
