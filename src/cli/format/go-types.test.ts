import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoTime, typedView } from './go-types.js';
import { renderInspect } from './output.js';

/** A container's inspect JSON as berthd sends it, trimmed: nulls and omitted fields as the daemon leaves them. */
const container = {
  Id: 'abc123',
  Name: '/web',
  State: { Status: 'running', Running: true, Pid: 42, StartedAt: '2024-01-02T03:04:05.5Z' },
  HostConfig: { Links: null, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, CpuShares: 512, ConsoleSize: [0, 0] },
  Config: { Hostname: 'abc', Image: 'busybox', Env: ['A=1'], Cmd: ['sh'], Volumes: null, Labels: { k: 'v' }, Extra: 'x' },
  NetworkSettings: { Networks: { bridge: { IPAddress: '10.0.0.2', Aliases: null, IPAMConfig: null } } },
  Mounts: [],
};

const render = (format: string, raw: unknown = container, kind: 'container' | 'image' | 'network' | 'volume' = 'container') => {
  const r = renderInspect(format, raw, kind);
  return r.error ? `ERR ${r.error}` : r.text.slice(0, -1);
};

describe('inspect templates on the typed view', () => {
  it('prints nulls and omitted fields as the docker CLI does', () => {
    assert.equal(render('{{.Config.Healthcheck}}'), '<nil>');
    assert.equal(render('{{.HostConfig.Links}}'), '[]');
    assert.equal(render('{{.State.Health}}'), '<nil>');
    assert.equal(render('{{.Config.Volumes}}'), 'map[]');
    assert.equal(render('{{.NetworkSettings.Networks.bridge.Aliases}}'), '[]');
    assert.equal(render('{{.Config.StopSignal}}'), '');
    assert.equal(render('{{.State.ExitCode}} {{.State.Paused}} {{.Config.StopTimeout}} {{.HostConfig.PidsLimit}}'), '0 false <nil> <nil>');
  });

  it('fails over to the raw map with missingkey=error, in Go\'s words', () => {
    assert.equal(render('{{.Node}}'), 'ERR template parsing error: template: :1:2: executing "" at <.Node>: map has no entry for key "Node"');
    assert.equal(render('{{.Config.Healthcheck.Test}}'), 'ERR template parsing error: template: :1:9: executing "" at <.Config.Healthcheck.Test>: map has no entry for key "Healthcheck"');
    assert.equal(render('a\n{{.State.Health.Status}}'), 'ERR template parsing error: template: :2:8: executing "" at <.State.Health.Status>: map has no entry for key "Health"');
    assert.equal(render('{{.HostConfig.Links.X}}'), 'ERR template parsing error: template: :1:13: executing "" at <.HostConfig.Links.X>: nil pointer evaluating interface {}.X');
    // Docker's JSON names that differ from the Go field (Id / ID, CpuShares / CPUShares) work through the raw retry.
    assert.equal(render('{{.Id}}|{{.ID}}'), 'ERR template parsing error: template: :1:10: executing "" at <.ID>: map has no entry for key "ID"', 'one or the other');
    assert.equal(render('{{.Id}}') + render('{{.ID}}'), 'abc123abc123');
    assert.equal(render('{{.HostConfig.CpuShares}}') + render('{{.HostConfig.CPUShares}}'), '512512');
    // Fields of the daemon's JSON the Go type lacks are only reachable on the raw map.
    assert.equal(render('{{.Config.Extra}}'), 'x');
  });

  it('prints structs, maps and pointers as Go %v', () => {
    assert.equal(render('{{.HostConfig.RestartPolicy}}'), '{no 0}');
    assert.equal(render('{{.State}}'), '{running true false false false false 42 0  2024-01-02T03:04:05.5Z  <nil>}');
    assert.equal(render('{{.Config.Labels}} {{.HostConfig.ConsoleSize}}'), 'map[k:v] [0 0]');
    assert.equal(render('{{index .Config.Labels "nope"}}|{{.NetworkSettings.Networks.nope}}|{{.NetworkSettings.Networks.nope.IPAddress}}'), '|<no value>|<no value>');
    assert.equal(render('{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{$v.IPAMConfig}}{{end}}'), 'bridge=10.0.0.2 <nil>');
    assert.equal(render('{{with .Config.Healthcheck}}hc{{else}}none{{end}} {{if .Config.Volumes}}v{{else}}novol{{end}}'), 'none novol');
  });

  it('marshals json as Go marshals the struct: nil slices and maps null, omitempty fields left out, unknown keys dropped', () => {
    assert.equal(render('{{json .HostConfig.Links}} {{json .Config.Volumes}} {{json .Config.Healthcheck}}'), 'null null null');
    const config = JSON.parse(render('{{json .Config}}'));
    assert.deepEqual(Object.keys(config), ['Hostname', 'Domainname', 'User', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'Env', 'Cmd', 'Image', 'Volumes', 'WorkingDir', 'Entrypoint', 'OnBuild', 'Labels']);
    assert.equal(config.Entrypoint, null);
    assert.equal(render('{{json .State.Health}}'), 'null');
    assert.equal(render('json', { A: 1 }), '{"A":1}', '--format json is the daemon\'s JSON');
  });

  it('types networks, images and volumes', () => {
    const network = { Name: 'n', Id: 'i', Created: '2024-01-02T03:04:05.120000000Z', IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: '10.1.0.0/24' }] } };
    assert.equal(render('{{.Created}}', network, 'network'), '2024-01-02 03:04:05.12 +0000 UTC');
    assert.equal(render('{{json .Created}} {{.IPAM.Options}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}|{{.AuxAddress}}{{end}}', network, 'network'), '"2024-01-02T03:04:05.12Z" map[] 10.1.0.0/24 |map[]');
    assert.equal(render('{{.Containers}} {{.Peers}}', network, 'network'), 'map[] []');
    const image = { Id: 'sha256:1', RepoTags: ['busybox:latest'], Config: { Cmd: ['sh'] }, Metadata: {} };
    assert.equal(render('{{.Config.Volumes}} {{.Config.Healthcheck}} {{.Config.Cmd}} {{.Metadata}}', image, 'image'), 'map[] <nil> [sh] {0001-01-01 00:00:00 +0000 UTC}');
    const volume = { Name: 'v', Driver: 'local', Labels: null, Options: null, Scope: 'local', Mountpoint: '/x' };
    assert.equal(render('{{.Labels}} {{.UsageData}} {{.Status}} {{.Labels.nope}}', volume, 'volume'), 'map[] <nil> map[] <no value>');
    // The docker CLI has no raw JSON to retry a volume template on: the typed error stands.
    assert.equal(render('{{.Nope}}', volume, 'volume'), 'ERR template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type volume.Volume');
    assert.equal(render('{{.UsageData.Size}}', volume, 'volume'), 'ERR template parsing error: template: :1:12: executing "" at <.UsageData.Size>: nil pointer evaluating *volume.UsageData.Size');
  });

  it('keeps the daemon\'s time text, trimmed as RFC3339Nano', () => {
    assert.equal(JSON.stringify(new GoTime('2024-01-02T03:04:05.000000000Z')), '"2024-01-02T03:04:05Z"');
    assert.equal(String(new GoTime('2024-01-02T03:04:05.5+02:00')), '2024-01-02 03:04:05.5 +0200 +0200');
    assert.equal(JSON.stringify(typedView('network', {})), JSON.stringify(typedView('network', { Created: '0001-01-01T00:00:00Z' })));
  });
});
