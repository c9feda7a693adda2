// The sandbox node's generated configuration, as containerd and the CNI plugins read it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cniConfig,
  containerdConfig,
  PAUSE_IMAGE,
  registryHostsToml,
} from '../../../src/sandbox/node/containerd-config.ts';
import { checkNodePrerequisites } from '../../../src/sandbox/node/node-prerequisites.ts';
import { nodeLayout } from '../../../src/sandbox/node/node-layout.ts';
import { sandboxLayout } from '../../../src/sandbox/layout.ts';

const node = nodeLayout(sandboxLayout('/tmp/sbx'), 'east', 'node-1');

describe('sandbox node configuration', () => {
  it('keeps containerd inside the node directory, with the local pause image and capped OOM scores', () => {
    const toml = containerdConfig(node);
    assert.match(toml, /^root = "\/tmp\/sbx\/east\/nodes\/node-1\/containerd\/root"$/m);
    assert.match(toml, /^ {2}address = "\/tmp\/sbx\/east\/nodes\/node-1\/containerd.sock"$/m);
    assert.ok(toml.includes(`sandbox_image = "${PAUSE_IMAGE}"`));
    assert.match(toml, /restrict_oom_score_adj = true/);
    assert.match(toml, /netns_mounts_under_state_dir = true/);
    assert.match(toml, /SystemdCgroup = false/);
  });

  it('gives each node its own bridge, subnet and IPAM directory', () => {
    const conf = JSON.parse(cniConfig(node, 7)) as {
      plugins: {
        type: string;
        bridge?: string;
        ipam?: { dataDir: string; ranges: { subnet: string }[][] };
      }[];
    };
    const bridge = conf.plugins.find((p) => p.type === 'bridge');
    assert.equal(bridge?.bridge, 'mcsync7');
    assert.equal(bridge?.ipam?.ranges[0]?.[0]?.subnet, '10.214.7.0/24');
    assert.equal(bridge?.ipam?.dataDir, node.cniDataDir);
  });

  it('trusts a registry by the sandbox CA and carries no credentials', () => {
    const toml = registryHostsToml('127.0.0.1:5000', '/tmp/sbx/certs/ca.crt');
    assert.match(toml, /^server = "https:\/\/127.0.0.1:5000"$/m);
    assert.match(toml, /ca = "\/tmp\/sbx\/certs\/ca.crt"/);
    assert.doesNotMatch(toml, /auth|password|token/i);
  });

  it('refuses --node without root and names what is missing', async () => {
    await assert.rejects(checkNodePrerequisites(1000), (error: Error) => {
      assert.match(error.message, /up --node needs/);
      assert.match(error.message, /root: .*uid 1000/);
      return true;
    });
  });
});
