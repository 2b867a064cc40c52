/**
 * @module engine/containers/security-opts
 * HostConfig.SecurityOpt read as dockerd reads it (parseSecurityOpt): `no-new-privileges[=BOOL]`,
 * `seccomp=unconfined|builtin|<profile JSON>`, `apparmor=PROFILE`, `label=…`; `key:value` is
 * the old spelling of `key=value`. What this host cannot honour is refused with a clear error
 * rather than ignored: AppArmor profiles on a host without AppArmor, SELinux labels (berth
 * applies none; `label=disable` is what it does anyway), `writable-cgroups`. As an extension,
 * `systempaths=unconfined` (which the docker CLI turns into empty MaskedPaths/ReadonlyPaths
 * itself) is honoured when an API client sends it.
 */
import { readFileSync } from 'node:fs';
import type { HostConfigWire } from '../../api/types/containers.js';
import { InvalidArgument } from '../../errdefs/index.js';
import { parseSeccompProfile } from '../../runtime/types.js';

export interface SecuritySettings {
  noNewPrivileges: boolean;
  /** undefined (Docker's default profile), 'unconfined', 'builtin' or a profile's JSON. */
  seccomp?: string;
  apparmorProfile?: string;
  maskedPaths?: string[];
  readonlyPaths?: string[];
}

export interface HostSecurity {
  apparmor: boolean;
}

let apparmor: boolean | undefined;
function hostSecurity(): HostSecurity {
  if (apparmor === undefined) {
    try {
      apparmor = readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
    } catch {
      apparmor = false;
    }
  }
  return { apparmor };
}

/** Go's strconv.ParseBool. */
function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/** The settings HostConfig asks for; throws InvalidArgument with dockerd's wording where it has one. */
export function securitySettings(h: Pick<HostConfigWire, 'SecurityOpt' | 'MaskedPaths' | 'ReadonlyPaths'>, host: HostSecurity = hostSecurity()): SecuritySettings {
  const out: SecuritySettings = { noNewPrivileges: false };
  if (h.MaskedPaths) out.maskedPaths = [...h.MaskedPaths];
  if (h.ReadonlyPaths) out.readonlyPaths = [...h.ReadonlyPaths];
  for (const opt of h.SecurityOpt ?? []) {
    if (typeof opt !== 'string') throw new InvalidArgument(`invalid --security-opt 1: ${JSON.stringify(opt)}`);
    if (opt === 'no-new-privileges') {
      out.noNewPrivileges = true;
      continue;
    }
    if (opt === 'disable') continue; // label disable: berth applies no SELinux labels
    if (opt === 'writable-cgroups') throw new InvalidArgument('--security-opt writable-cgroups is not supported by berth');
    const sep = opt.includes('=') ? opt.indexOf('=') : opt.indexOf(':');
    if (sep < 0) throw new InvalidArgument(`invalid --security-opt 1: ${JSON.stringify(opt)}`);
    const k = opt.slice(0, sep);
    const v = opt.slice(sep + 1);
    switch (k) {
      case 'no-new-privileges': {
        const b = parseBool(v);
        if (b === undefined) throw new InvalidArgument(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
        out.noNewPrivileges = b;
        break;
      }
      case 'seccomp':
        if (v !== 'unconfined' && v !== 'builtin') parseSeccompProfile(v);
        out.seccomp = v;
        break;
      case 'apparmor':
        if (v !== 'unconfined' && !host.apparmor) {
          throw new InvalidArgument(`--security-opt apparmor=${v}: AppArmor is not enabled on this host, so the profile cannot be applied (use apparmor=unconfined or leave the option out)`);
        }
        out.apparmorProfile = v === 'unconfined' && !host.apparmor ? undefined : v;
        break;
      case 'label':
        if (v !== 'disable') {
          throw new InvalidArgument(`--security-opt label=${v}: berth does not apply SELinux labels (SELinux is not in use on this host); only label=disable is accepted`);
        }
        break;
      case 'systempaths':
        if (v !== 'unconfined') throw new InvalidArgument(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
        out.maskedPaths = [];
        out.readonlyPaths = [];
        break;
      case 'writable-cgroups':
        if (parseBool(v) === undefined) throw new InvalidArgument(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
        if (parseBool(v)) throw new InvalidArgument('--security-opt writable-cgroups is not supported by berth');
        break;
      default:
        throw new InvalidArgument(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
    }
  }
  return out;
}
