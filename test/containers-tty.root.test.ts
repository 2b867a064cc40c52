/**
 * Interactive containers in a real terminal (tmux): `run -it` gives a shell on its own pts
 * whose size follows the terminal, Ctrl-C reaches the container, `exit 7` returns 7; the detach
 * keys leave it running and `attach` comes back; `exec -it`. With the berth CLI and the docker CLI.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { berthBin, hasDocker, dockerBin, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox } from './containers-helpers.js';

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
})();

class Term {
  readonly socket = `berth-tty-${process.pid}-${Math.random().toString(36).slice(2)}`;
  readonly session = 't';
  constructor(env: Record<string, string>) {
    const exports = Object.entries(env).map(([k, v]) => `export ${k}='${v}'`).join('; ');
    this.#tmux('new-session', '-d', '-s', this.session, '-x', '120', '-y', '40', 'bash', '--norc', '--noprofile');
    this.type(`${exports}; PS1='$ '; clear`);
  }
  #tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args]).toString();
  }
  type(line: string): void {
    this.#tmux('send-keys', '-t', this.session, '-l', line);
    this.#tmux('send-keys', '-t', this.session, 'Enter');
  }
  keys(...k: string[]): void {
    this.#tmux('send-keys', '-t', this.session, ...k);
  }
  resize(cols: number, rows: number): void {
    this.#tmux('resize-window', '-t', this.session, '-x', String(cols), '-y', String(rows));
  }
  screen(): string {
    return this.#tmux('capture-pane', '-t', this.session, '-p', '-S', '-200');
  }
  async waitFor(re: RegExp, ms = 15_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = this.screen();
      if (re.test(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${re} in:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  kill(): void {
    try {
      this.#tmux('kill-server');
    } catch {
      /* gone */
    }
  }
}

describe('interactive containers in a terminal', { timeout: 300_000, skip: !hasTmux }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await daemonWithBusybox();
  });
  after(async () => {
    await cleanupDaemon(d);
  });

  for (const cli of ['berth', 'docker'] as const) {
    it(`${cli} run -it: own pts, size follows the terminal, Ctrl-C, exit status`, { skip: cli === 'docker' && !hasDocker }, async () => {
      const bin = cli === 'berth' ? berthBin : dockerBin;
      const t = new Term({ DOCKER_HOST: d.host, DOCKER_CONFIG: `${d.dir}/docker-config` });
      try {
        t.type(`${bin} -H ${d.host} run -it --rm busybox sh; echo "EXIT=$?"`);
        await t.waitFor(/^\/ #\s*$/m);
        t.type('tty; stty size; echo "T=$TERM"');
        await t.waitFor(/T=xterm/);
        const s1 = t.screen();
        assert.match(s1, /\n\/dev\/pts\/0\n40 120\n/);
        t.resize(100, 30);
        await new Promise((r) => setTimeout(r, 300));
        t.type('stty size');
        await t.waitFor(/\n30 100\n/);
        t.type('sleep 100');
        await new Promise((r) => setTimeout(r, 300));
        t.keys('C-c');
        await t.waitFor(/\^C\n\/ #/);
        t.type('exit 7');
        await t.waitFor(/EXIT=7/);
      } finally {
        t.kill();
      }
    });

    it(`${cli}: detach keys leave it running; attach and exec -it come back`, { skip: cli === 'docker' && !hasDocker }, async () => {
      const bin = cli === 'berth' ? berthBin : dockerBin;
      const name = `det-${cli}`;
      const t = new Term({ DOCKER_CONFIG: `${d.dir}/docker-config` });
      try {
        t.type(`${bin} -H ${d.host} run -it --name ${name} busybox sh; echo "RUN=$?"`);
        await t.waitFor(/^\/ #\s*$/m);
        t.keys('C-p', 'C-q');
        await t.waitFor(/RUN=0/);
        t.type(`${bin} -H ${d.host} ps --format '{{.Names}}:{{.State}}'`);
        await t.waitFor(new RegExp(`${name}:running`));
        t.type(`${bin} -H ${d.host} exec -it ${name} sh -c 'tty; exit 5'; echo "EXEC=$?"`);
        await t.waitFor(/\/dev\/pts\/1\s*\nEXEC=5/);
        t.type(`${bin} -H ${d.host} attach ${name}; echo "ATTACH=$?"`);
        await new Promise((r) => setTimeout(r, 500));
        t.type('echo back-$((40+2))');
        await t.waitFor(/back-42/);
        t.type('exit 3');
        await t.waitFor(/ATTACH=3/);
      } finally {
        t.kill();
      }
    });
  }
});
