/**
 * @module cli/format/go-types
 * The Go shapes the docker CLI decodes inspect JSON into before it runs a `--format` template
 * (container.InspectResponse, image.InspectResponse, network.Inspect, volume.Volume, as the
 * docker 28 CLI has them; API 1.41 field names), written as data, and `typedView`, which turns the
 * daemon's JSON into that shape: a missing or null string is "", a number 0, a bool false, a slice
 * a nil slice (prints `[]`, marshals `null`), a map a nil map (`map[]` / `null`), a pointer nil
 * (`<nil>`), a time.Time the zero time. Keys the type lacks are dropped, so a template naming one
 * fails on the typed view as docker's does, and the caller retries on the raw JSON.
 */

/**
 * A field: `GoName[=JsonName][?] TYPE`; `?` is `json:",omitempty"`. A TYPE: `s` string, `n`
 * number, `b` bool, `t` time.Time, `i` interface{}, `[T` slice, `{T` map with string keys, `*T`
 * pointer, `Name` a struct below, `2n` a [2]uint array.
 */
const structs: Record<string, string> = {
  Empty: '',
  ContainerInspect:
    'ID=Id s, Created s, Path s, Args [s, State *State, Image s, ResolvConfPath s, HostnamePath s, HostsPath s, LogPath s, Name s, ' +
    'RestartCount n, Driver s, Platform s, MountLabel s, ProcessLabel s, AppArmorProfile s, ExecIDs [s, HostConfig *HostConfig, ' +
    'GraphDriver DriverData, SizeRw? *n, SizeRootFs? *n, Mounts [MountPoint, Config *Config, NetworkSettings *NetworkSettings, ' +
    'ImageManifestDescriptor? *Descriptor',
  State:
    'Status s, Running b, Paused b, Restarting b, OOMKilled b, Dead b, Pid n, ExitCode n, Error s, StartedAt s, FinishedAt s, Health? *Health',
  Health: 'Status s, FailingStreak n, Log [*HealthcheckResult',
  HealthcheckResult: 'Start t, End t, ExitCode n, Output s',
  DriverData: 'Data {s, Name s',
  MountPoint: 'Type? s, Name? s, Source s, Destination s, Driver? s, Mode s, RW b, Propagation s',
  Descriptor: 'MediaType=mediaType s, Digest=digest s, Size=size n, URLs=urls? [s, Annotations=annotations? {s, Data=data? [n, Platform=platform? *Platform, ArtifactType=artifactType? s',
  Platform: 'Architecture=architecture s, OS=os s, OSVersion=os.version? s, OSFeatures=os.features? [s, Variant=variant? s',
  Config:
    'Hostname s, Domainname s, User s, AttachStdin b, AttachStdout b, AttachStderr b, ExposedPorts? {Empty, Tty b, OpenStdin b, ' +
    'StdinOnce b, Env [s, Cmd [s, Healthcheck? *HealthConfig, ArgsEscaped? b, Image s, Volumes {Empty, WorkingDir s, Entrypoint [s, ' +
    'NetworkDisabled? b, MacAddress? s, OnBuild [s, Labels {s, StopSignal? s, StopTimeout? *n, Shell? [s',
  HealthConfig: 'Test? [s, Interval? n, Timeout? n, StartPeriod? n, StartInterval? n, Retries? n',
  HostConfig:
    'Binds [s, ContainerIDFile s, LogConfig LogConfig, NetworkMode s, PortBindings {[PortBinding, RestartPolicy RestartPolicy, ' +
    'AutoRemove b, VolumeDriver s, VolumesFrom [s, ConsoleSize 2n, Annotations? {s, CapAdd [s, CapDrop [s, CgroupnsMode s, ' +
    'DNS=Dns [s, DNSOptions=DnsOptions [s, DNSSearch=DnsSearch [s, ExtraHosts [s, GroupAdd [s, IpcMode s, Cgroup s, Links [s, ' +
    'OomScoreAdj n, PidMode s, Privileged b, PublishAllPorts b, ReadonlyRootfs b, SecurityOpt [s, StorageOpt? {s, Tmpfs? {s, ' +
    'UTSMode s, UsernsMode s, ShmSize n, Sysctls? {s, Runtime? s, Isolation s, ' +
    // Resources, embedded
    'CPUShares=CpuShares n, Memory n, NanoCPUs=NanoCpus n, CgroupParent s, BlkioWeight n, BlkioWeightDevice [*WeightDevice, ' +
    'BlkioDeviceReadBps [*ThrottleDevice, BlkioDeviceWriteBps [*ThrottleDevice, BlkioDeviceReadIOps [*ThrottleDevice, ' +
    'BlkioDeviceWriteIOps [*ThrottleDevice, CPUPeriod=CpuPeriod n, CPUQuota=CpuQuota n, CPURealtimePeriod=CpuRealtimePeriod n, ' +
    'CPURealtimeRuntime=CpuRealtimeRuntime n, CpusetCpus s, CpusetMems s, Devices [DeviceMapping, DeviceCgroupRules [s, ' +
    'DeviceRequests [DeviceRequest, MemoryReservation n, MemorySwap n, MemorySwappiness *n, OomKillDisable *b, PidsLimit *n, ' +
    'Ulimits [*Ulimit, CPUCount=CpuCount n, CPUPercent=CpuPercent n, IOMaximumIOps n, IOMaximumBandwidth n, ' +
    'Mounts? [Mount, MaskedPaths [s, ReadonlyPaths [s, Init? *b',
  LogConfig: 'Type s, Config {s',
  PortBinding: 'HostIP=HostIp s, HostPort s',
  RestartPolicy: 'Name s, MaximumRetryCount n',
  WeightDevice: 'Path s, Weight n',
  ThrottleDevice: 'Path s, Rate n',
  DeviceMapping: 'PathOnHost s, PathInContainer s, CgroupPermissions s',
  DeviceRequest: 'Driver s, Count n, DeviceIDs [s, Capabilities [[s, Options {s',
  Ulimit: 'Name s, Hard n, Soft n',
  Mount: 'Type? s, Source? s, Target? s, ReadOnly? b, Consistency? s, BindOptions? *i, VolumeOptions? *i, ImageOptions? *i, TmpfsOptions? *i, ClusterOptions? *i',
  NetworkSettings:
    'Bridge s, SandboxID s, SandboxKey s, Ports {[PortBinding, HairpinMode b, LinkLocalIPv6Address s, LinkLocalIPv6PrefixLen n, ' +
    'SecondaryIPAddresses [Address, SecondaryIPv6Addresses [Address, EndpointID s, Gateway s, GlobalIPv6Address s, ' +
    'GlobalIPv6PrefixLen n, IPAddress s, IPPrefixLen n, IPv6Gateway s, MacAddress s, Networks {*EndpointSettings',
  Address: 'Addr s, PrefixLen n',
  EndpointSettings:
    'IPAMConfig *EndpointIPAMConfig, Links [s, Aliases [s, MacAddress s, DriverOpts {s, GwPriority n, NetworkID s, EndpointID s, ' +
    'Gateway s, IPAddress s, IPPrefixLen n, IPv6Gateway s, GlobalIPv6Address s, GlobalIPv6PrefixLen n, DNSNames [s',
  EndpointIPAMConfig: 'IPv4Address? s, IPv6Address? s, LinkLocalIPs? [s',
  ImageInspect:
    'ID=Id s, RepoTags [s, RepoDigests [s, Parent s, Comment s, Created? s, Container? s, ContainerConfig? *Config, DockerVersion? s, ' +
    'Author s, Config *ImageConfig, Architecture s, Variant? s, Os s, OsVersion? s, Size n, VirtualSize? n, GraphDriver DriverData, RootFS RootFS, Metadata Metadata, ' +
    'Descriptor? *Descriptor, Manifests? [i',
  ImageConfig:
    'User? s, ExposedPorts? {Empty, Env? [s, Entrypoint? [s, Cmd? [s, Volumes? {Empty, WorkingDir? s, Labels? {s, ' +
    'StopSignal? s, ArgsEscaped? b, Healthcheck? *HealthConfig, OnBuild? [s, Shell? [s',
  RootFS: 'Type s, Layers? [s',
  Metadata: 'LastTagTime? t',
  NetworkInspect:
    'Name s, ID=Id s, Created t, Scope s, Driver s, EnableIPv4 b, EnableIPv6 b, IPAM IPAM, Internal b, Attachable b, Ingress b, ' +
    'ConfigFrom ConfigReference, ConfigOnly b, Containers {EndpointResource, Options {s, Labels {s, Peers? [PeerInfo, Services? {i',
  IPAM: 'Driver s, Options {s, Config [IPAMConfig',
  IPAMConfig: 'Subnet? s, IPRange? s, Gateway? s, AuxAddress=AuxiliaryAddresses? {s',
  ConfigReference: 'Network s',
  EndpointResource: 'Name s, EndpointID s, MacAddress s, IPv4Address s, IPv6Address s',
  PeerInfo: 'Name s, IP s',
  Volume:
    'ClusterVolume? *i, CreatedAt? s, Driver s, Labels {s, Mountpoint s, Name s, Options {s, Scope s, Status? {i, UsageData? *UsageData',
  UsageData: 'RefCount n, Size n',
};

/** Go's names for the types whose errors the docker CLI shows (volume inspect has no raw retry). */
const goNames: Record<string, string> = { Volume: 'volume.Volume', UsageData: 'volume.UsageData' };

/** The inspect kinds and the struct each decodes into. */
export const inspectTypes = { container: 'ContainerInspect', image: 'ImageInspect', network: 'NetworkInspect', volume: 'Volume' } as const;
export type InspectKind = keyof typeof inspectTypes;

interface Field {
  go: string;
  json: string;
  omitEmpty: boolean;
  type: string;
}

const parsed = new Map<string, Field[]>();
function fieldsOf(name: string): Field[] {
  let f = parsed.get(name);
  if (!f) {
    const src = structs[name];
    if (src === undefined) throw new Error(`go-types: no struct ${name}`);
    f = src ? src.split(/,\s*/).map(parseField) : [];
    parsed.set(name, f);
  }
  return f;
}

function parseField(spec: string): Field {
  const m = /^(\w+)(?:=([\w.]+))?(\?)? (\S+)$/.exec(spec.trim());
  if (!m) throw new Error(`go-types: bad field ${spec}`);
  return { go: m[1]!, json: m[2] ?? m[1]!, omitEmpty: m[3] === '?', type: m[4]! };
}

/** Marks a typed struct value: its Go type name (its fields are its own keys, in order). */
export const GO_STRUCT = Symbol('go-struct');
/** Marks a nil slice or map: prints as `[]` / `map[]`, marshals as `null`. */
export const GO_NIL = Symbol('go-nil');
/** On a typed map: the element type, for `index` of a missing key (the zero value). */
export const GO_ELEM = Symbol('go-elem');
/** Marks a value reached through a non-nil pointer (fmt prints it `&{…}` below the top). */
export const GO_PTR = Symbol('go-ptr');

/** A time.Time from the daemon's RFC 3339 text: marshals as Go's RFC3339Nano, prints as Time.String. */
export class GoTime {
  readonly #m: RegExpExecArray | null;
  constructor(readonly text: string) {
    this.#m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  }
  /** The seconds' fraction without trailing zeros, with its dot ('' when whole). */
  #frac(): string {
    const f = (this.#m?.[3] ?? '').replace(/0+$/, '');
    return f ? `.${f}` : '';
  }
  toJSON(): string {
    const m = this.#m;
    return m ? `${m[1]}T${m[2]}${this.#frac()}${m[4]}` : this.text;
  }
  toString(): string {
    const m = this.#m;
    if (!m) return this.text;
    const zone = m[4] === 'Z' ? '+0000 UTC' : `${m[4]!.replace(':', '')} ${m[4]!.replace(':', '')}`;
    return `${m[1]} ${m[2]}${this.#frac()} ${zone}`;
  }
}

/** A nil pointer to a struct: prints `<nil>`, marshals `null`, and names its type in errors. */
export class GoNilPointer {
  constructor(readonly type: string) {}
  toJSON(): null {
    return null;
  }
  /** `.field` on it, in Go's words: a field the struct has is a nil dereference, any other a type error. */
  fieldError(field: string): string {
    const t = `*${goTypeName(this.type)}`;
    return fieldsOf(this.type).some((f) => f.go === field) ? `nil pointer evaluating ${t}.${field}` : `can't evaluate field ${field} in type ${t}`;
  }
}

/** A struct's Go name for error messages (package-qualified where docker shows it). */
export function goTypeName(struct: string): string {
  return goNames[struct] ?? struct;
}

const hidden = (o: object, key: PropertyKey, value: unknown) => Object.defineProperty(o, key, { value, enumerable: false });

function nilOf<T extends object>(o: T): T {
  hidden(o, GO_NIL, true);
  hidden(o, 'toJSON', () => null);
  return o;
}

/** Go's isEmptyValue, for omitempty. */
function isEmpty(v: unknown): boolean {
  if (v === null || v === '' || v === 0 || v === false || v instanceof GoNilPointer) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v && typeof v === 'object' && !(v instanceof GoTime) && !(GO_STRUCT in v)) return Object.keys(v).length === 0;
  return false;
}

/** `raw` (the daemon's JSON for it) as a value of Go type `type`. */
export function toGo(raw: unknown, type: string): unknown {
  if (type === 's') return typeof raw === 'string' ? raw : raw == null ? '' : String(raw);
  if (type === 'n') return typeof raw === 'number' ? raw : 0;
  if (type === 'b') return raw === true;
  if (type === 't') return new GoTime(typeof raw === 'string' ? raw : '0001-01-01T00:00:00Z');
  if (type === 'i') return raw ?? null;
  if (type === '2n') return Array.isArray(raw) ? raw : [0, 0];
  if (type.startsWith('*')) {
    if (raw == null) return /^\*[A-Z]/.test(type) ? new GoNilPointer(type.slice(1)) : null;
    if (type === '*i') return raw;
    const v = toGo(raw, type.slice(1));
    if (v && typeof v === 'object') hidden(v, GO_PTR, true);
    return v;
  }
  if (type.startsWith('[')) {
    if (!Array.isArray(raw)) return nilOf([]);
    return raw.map((x) => toGo(x, type.slice(1)));
  }
  if (type.startsWith('{')) {
    const elem = type.slice(1);
    const out: Record<string, unknown> = {};
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) for (const [k, x] of Object.entries(raw)) out[k] = toGo(x, elem);
    else nilOf(out);
    hidden(out, GO_ELEM, elem);
    return out;
  }
  const fields = fieldsOf(type);
  const src = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f.go] = toGo(src[f.json], f.type);
  hidden(out, GO_STRUCT, type);
  hidden(out, 'toJSON', () => {
    const j: Record<string, unknown> = {};
    for (const f of fields) if (!(f.omitEmpty && isEmpty(out[f.go]))) j[f.json] = out[f.go];
    return j;
  });
  return out;
}

/** The zero value of a typed map's element type, or undefined for an untyped map. */
export function zeroElem(map: object): unknown {
  const elem = (map as { [GO_ELEM]?: string })[GO_ELEM];
  return elem === undefined ? undefined : toGo(undefined, elem);
}

/** The daemon's inspect JSON for `kind` as the docker CLI's typed struct. */
export function typedView(kind: InspectKind, raw: unknown): unknown {
  return toGo(raw, inspectTypes[kind]);
}
