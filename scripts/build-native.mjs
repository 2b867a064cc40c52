// Compiles berth's C parts with the system compiler: the N-API addon (dist/native/berth_native.node)
// and any helper programs under native/ named *-main.c (dist/native/<name>). Rebuilds only what changed.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'native');
mkdirSync(out, { recursive: true });
const cc = process.env.CC || 'cc';
const nodeInclude = [join(dirname(dirname(process.execPath)), 'include', 'node'), '/usr/include/node'].find((d) =>
  existsSync(join(d, 'node_api.h')),
);
if (!nodeInclude) throw new Error('node_api.h not found: install Node.js headers');

// Every warning is an error, and the hardening distributions build with: checked buffer sizes
// in libc calls (_FORTIFY_SOURCE needs optimization) and stack canaries.
const cflags = [
  '-O2', '-Wall', '-Wextra', '-Werror',
  '-U_FORTIFY_SOURCE', '-D_FORTIFY_SOURCE=2', '-fstack-protector-strong',
];
// Changing the flags here rebuilds everything.
const thisScript = fileURLToPath(import.meta.url);

function stale(target, sources) {
  if (!existsSync(target)) return true;
  const t = statSync(target).mtimeMs;
  return [...sources, thisScript].some((s) => statSync(s).mtimeMs > t);
}

function build(target, sources, args) {
  if (!stale(target, sources)) return;
  execFileSync(cc, [...cflags, ...args, '-o', target, ...sources], { stdio: 'inherit' });
}

const nativeDir = join(root, 'native');
build(join(out, 'berth_native.node'), [join(nativeDir, 'addon.c')], [
  '-shared', '-fPIC', '-I', nodeInclude, '-DNODE_GYP_MODULE_NAME=berth_native',
]);
// The programs are linked statically: `berth` starts for every command, the shim for every
// container, and a static program starts in about half the time (no dynamic loader).
for (const f of readdirSync(nativeDir)) {
  const m = /^(.*)-main\.c$/.exec(f);
  if (m) build(join(out, m[1]), [join(nativeDir, f)], ['-static']);
}

// A new stamp for every build: a running CLI host (src/cli/host.ts) that sees it change retires,
// so commands never run on code older than the files on disk.
writeFileSync(join(out, 'cli-stamp'), `${Date.now()}-${randomBytes(6).toString('hex')}\n`);
