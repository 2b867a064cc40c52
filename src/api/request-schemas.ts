/**
 * @module api/request-schemas
 * The JSON request bodies of the Engine API as schemas (api/schema.ts) of dockerd's Go types,
 * for the fields berth reads. Names are dockerd's (API 1.41), so errors read as Docker's.
 */
import { s, type Schema } from './schema.js';

const str = s.string();
const bool = s.bool();
const strs = s.array(str);
const strMap = s.map(str);
const emptyStructSet = s.map(s.any());

const healthConfig = s.struct('container.HealthConfig', {
  Test: strs,
  Interval: s.int('time.Duration'),
  Timeout: s.int('time.Duration'),
  StartPeriod: s.int('time.Duration'),
  StartInterval: s.int('time.Duration'),
  Retries: s.int('int'),
});

/** container.Config, whose fields ContainerConfigWrapper embeds. */
const containerConfigFields: Record<string, Schema> = {
  Hostname: str,
  Domainname: str,
  User: str,
  AttachStdin: bool,
  AttachStdout: bool,
  AttachStderr: bool,
  ExposedPorts: emptyStructSet,
  Tty: bool,
  OpenStdin: bool,
  StdinOnce: bool,
  Env: strs,
  Cmd: s.strslice(),
  Healthcheck: healthConfig,
  ArgsEscaped: bool,
  Image: str,
  Volumes: emptyStructSet,
  WorkingDir: str,
  Entrypoint: s.strslice(),
  NetworkDisabled: bool,
  MacAddress: str,
  OnBuild: strs,
  Labels: strMap,
  StopSignal: str,
  StopTimeout: s.int('int'),
  Shell: strs,
};

const portBinding = s.struct('nat.PortBinding', { HostIp: str, HostPort: str });

const mount = s.struct('mount.Mount', {
  Type: str,
  Source: str,
  Target: str,
  ReadOnly: bool,
  Consistency: str,
  BindOptions: s.struct('mount.BindOptions', { Propagation: str, NonRecursive: bool, CreateMountpoint: bool }),
  VolumeOptions: s.struct('mount.VolumeOptions', {
    NoCopy: bool,
    Labels: strMap,
    Subpath: str,
    DriverConfig: s.struct('mount.Driver', { Name: str, Options: strMap }),
  }),
  TmpfsOptions: s.struct('mount.TmpfsOptions', { SizeBytes: s.int(), Mode: s.int('os.FileMode') }),
});

const ulimit = s.struct('units.Ulimit', { Name: str, Hard: s.int(), Soft: s.int() });

const hostConfig = s.struct('container.HostConfig', {
  Binds: strs,
  ContainerIDFile: str,
  LogConfig: s.struct('container.LogConfig', { Type: str, Config: strMap }),
  NetworkMode: str,
  PortBindings: s.map(s.array(portBinding)),
  RestartPolicy: s.struct('container.RestartPolicy', { Name: str, MaximumRetryCount: s.int('int') }),
  AutoRemove: bool,
  VolumeDriver: str,
  VolumesFrom: strs,
  ConsoleSize: s.array(s.int('uint')),
  Annotations: strMap,
  CapAdd: s.strslice(),
  CapDrop: s.strslice(),
  CgroupnsMode: str,
  Dns: strs,
  DnsOptions: strs,
  DnsSearch: strs,
  ExtraHosts: strs,
  GroupAdd: strs,
  IpcMode: str,
  Cgroup: str,
  Links: strs,
  OomScoreAdj: s.int('int'),
  PidMode: str,
  Privileged: bool,
  PublishAllPorts: bool,
  ReadonlyRootfs: bool,
  SecurityOpt: strs,
  StorageOpt: strMap,
  Tmpfs: strMap,
  UTSMode: str,
  UsernsMode: str,
  ShmSize: s.int(),
  Sysctls: strMap,
  Runtime: str,
  Isolation: str,
  CpuShares: s.int(),
  Memory: s.int(),
  NanoCpus: s.int(),
  CgroupParent: str,
  BlkioWeight: s.int('uint16'),
  CpuPeriod: s.int(),
  CpuQuota: s.int(),
  CpuRealtimePeriod: s.int(),
  CpuRealtimeRuntime: s.int(),
  CpusetCpus: str,
  CpusetMems: str,
  Devices: s.array(s.struct('container.DeviceMapping', { PathOnHost: str, PathInContainer: str, CgroupPermissions: str })),
  DeviceCgroupRules: strs,
  KernelMemory: s.int(),
  KernelMemoryTCP: s.int(),
  MemoryReservation: s.int(),
  MemorySwap: s.int(),
  MemorySwappiness: s.int(),
  OomKillDisable: bool,
  PidsLimit: s.int(),
  Ulimits: s.array(ulimit),
  CpuCount: s.int(),
  CpuPercent: s.int(),
  IOMaximumIOps: s.int('uint64'),
  IOMaximumBandwidth: s.int('uint64'),
  Init: bool,
  Mounts: s.array(mount),
  MaskedPaths: strs,
  ReadonlyPaths: strs,
});

const endpointSettings = s.struct('network.EndpointSettings', {
  IPAMConfig: s.struct('network.EndpointIPAMConfig', { IPv4Address: str, IPv6Address: str, LinkLocalIPs: strs }),
  Links: strs,
  Aliases: strs,
  MacAddress: str,
  DriverOpts: strMap,
  NetworkID: str,
  EndpointID: str,
  Gateway: str,
  IPAddress: str,
  IPPrefixLen: s.int('int'),
  IPv6Gateway: str,
  GlobalIPv6Address: str,
  GlobalIPv6PrefixLen: s.int('int'),
  DNSNames: strs,
});

/** POST /containers/create. */
export const containerCreateSchema = s.struct('runconfig.ContainerConfigWrapper', {
  ...containerConfigFields,
  HostConfig: hostConfig,
  NetworkingConfig: s.struct('network.NetworkingConfig', { EndpointsConfig: s.map(endpointSettings) }),
});

/** POST /containers/{id}/exec. */
export const execCreateSchema = s.struct('types.ExecConfig', {
  User: str,
  Privileged: bool,
  Tty: bool,
  ConsoleSize: s.array(s.int('uint')),
  AttachStdin: bool,
  AttachStderr: bool,
  AttachStdout: bool,
  Detach: bool,
  DetachKeys: str,
  Env: strs,
  WorkingDir: str,
  Cmd: strs,
});

/** POST /exec/{id}/start. */
export const execStartSchema = s.struct('types.ExecStartCheck', {
  Detach: bool,
  Tty: bool,
  ConsoleSize: s.array(s.int('uint')),
});

/** POST /volumes/create. */
export const volumeCreateSchema = s.struct('volume.CreateOptions', {
  Name: str,
  Driver: str,
  DriverOpts: strMap,
  Labels: strMap,
  ClusterVolumeSpec: s.any(),
});

/** POST /networks/create. */
export const networkCreateSchema = s.struct('types.NetworkCreateRequest', {
  Name: str,
  CheckDuplicate: bool,
  Driver: str,
  Scope: str,
  EnableIPv4: bool,
  EnableIPv6: bool,
  IPAM: s.struct('network.IPAM', {
    Driver: str,
    Config: s.array(s.struct('network.IPAMConfig', { Subnet: str, IPRange: str, Gateway: str, AuxiliaryAddresses: strMap })),
    Options: strMap,
  }),
  Internal: bool,
  Attachable: bool,
  Ingress: bool,
  ConfigOnly: bool,
  ConfigFrom: s.struct('network.ConfigReference', { Network: str }),
  Options: strMap,
  Labels: strMap,
});

/** POST /networks/{id}/connect. */
export const networkConnectSchema = s.struct('types.NetworkConnect', { Container: str, EndpointConfig: endpointSettings });

/** POST /networks/{id}/disconnect. */
export const networkDisconnectSchema = s.struct('types.NetworkDisconnect', { Container: str, Force: bool });

/** POST /auth (the same fields as the X-Registry-Auth header's JSON). */
export const authConfigSchema = s.struct('registry.AuthConfig', {
  username: str,
  password: str,
  auth: str,
  email: str,
  serveraddress: str,
  identitytoken: str,
  registrytoken: str,
});

/** POST /containers/{id}/update. */
export const containerUpdateSchema = s.struct('container.UpdateConfig', {
  BlkioWeight: s.int('uint16'),
  CpuShares: s.int(),
  CpuPeriod: s.int(),
  CpuQuota: s.int(),
  CpuRealtimePeriod: s.int(),
  CpuRealtimeRuntime: s.int(),
  NanoCpus: s.int(),
  CpusetCpus: str,
  CpusetMems: str,
  Memory: s.int(),
  MemorySwap: s.int(),
  MemoryReservation: s.int(),
  MemorySwappiness: s.int(),
  KernelMemory: s.int(),
  KernelMemoryTCP: s.int(),
  OomKillDisable: bool,
  PidsLimit: s.int(),
  RestartPolicy: s.struct('container.RestartPolicy', { Name: str, MaximumRetryCount: s.int('int') }),
});

/** POST /commit: the config to give the image (container.Config). */
export const commitConfigSchema = s.struct('container.Config', containerConfigFields);
