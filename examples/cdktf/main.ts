// examples/basic as a CDKTF app: a volume and a snapshot of it, the volume attached exclusively to
// node b, and a multiattach volume attached to both nodes (shared leases).
//
//   cdktf synth          -> cdktf.out/stacks/shared-lvm-demo/cdk.tf.json
//   cdktf deploy         (or terraform init + apply in that folder)
//
// The provider finds its agent through SHAREDLVM_ENDPOINT / SHAREDLVM_TOKEN, and terraform installs it offline with TF_CLI_CONFIG_FILE=.terraform-mirror/terraformrc.
import { App, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import {
  dataSharedLvmVolume,
  dataSharedLvmVolumeGroup,
  provider,
  sharedLvmAttachment,
  sharedLvmSnapshot,
  sharedLvmVolume,
} from '@sharedlvm/cdktf-provider-shared-lvm';

class SharedLvmDemo extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const volumeGroup = new TerraformVariable(this, 'volume_group', { type: 'string', default: 'labvg' });
    const hostA = new TerraformVariable(this, 'host_a', { type: 'string', default: 'a', description: 'Host name as registered in the control agent.' });
    const hostB = new TerraformVariable(this, 'host_b', { type: 'string', default: 'b', description: 'Host name as registered in the control agent.' });
    const namePrefix = new TerraformVariable(this, 'name_prefix', { type: 'string', default: 'demo', description: 'Prefix of the volume and snapshot names.' });

    // endpoint and token come from SHAREDLVM_ENDPOINT / SHAREDLVM_TOKEN, so no secret lands in cdk.tf.json
    new provider.SharedProvider(this, 'shared', {});

    const vg = new dataSharedLvmVolumeGroup.DataSharedLvmVolumeGroup(this, 'vg', { name: volumeGroup.stringValue });

    // Attribute getters are tokens: `vg.name` becomes ${data.shared_lvm_volume_group.vg.name}, so
    // terraform reads the volume group before it creates the volumes, as in the HCL.
    const app = new sharedLvmVolume.SharedLvmVolume(this, 'app', {
      name: `${namePrefix.stringValue}-app`,
      volumeGroup: vg.name,
      sizeGib: 1,
      tags: ['demo'],
    });

    const appBeforeUpgrade = new sharedLvmSnapshot.SharedLvmSnapshot(this, 'app_before_upgrade', {
      volumeId: app.id,
      name: `${namePrefix.stringValue}-app-before-upgrade`,
    });

    const appOnB = new sharedLvmAttachment.SharedLvmAttachment(this, 'app_on_b', {
      volumeId: app.id,
      host: hostB.stringValue,
      mode: 'rw',
      // the snapshot is taken before the volume goes into use on b
      dependsOn: [appBeforeUpgrade],
    });

    const shared = new sharedLvmVolume.SharedLvmVolume(this, 'shared_volume', {
      name: `${namePrefix.stringValue}-shared`,
      volumeGroup: vg.name,
      sizeGib: 1,
      multiattach: true,
    });

    const sharedOnA = new sharedLvmAttachment.SharedLvmAttachment(this, 'shared_on_a', {
      volumeId: shared.id,
      host: hostA.stringValue,
    });

    const sharedOnB = new sharedLvmAttachment.SharedLvmAttachment(this, 'shared_on_b', {
      volumeId: shared.id,
      host: hostB.stringValue,
      // attach one after the other: the second attachment turns both leases shared
      dependsOn: [sharedOnA],
    });

    // Read back once both attachments exist (dependsOn defers the read to apply time on the first
    // run): the leases both hosts hold now, stable on the next plan.
    const sharedNow = new dataSharedLvmVolume.DataSharedLvmVolume(this, 'shared_now', {
      id: shared.id,
      dependsOn: [sharedOnA, sharedOnB],
    });

    // Not free_gib: terraform reads the data source before the volumes exist, so that output would
    // change on every plan after an apply (and whenever anything else uses the VG).
    new TerraformOutput(this, 'vg_lock_type', { value: vg.lockType });
    new TerraformOutput(this, 'app_device_path_on_b', { value: appOnB.devicePath });
    new TerraformOutput(this, 'app_lock_mode_on_b', { value: appOnB.lockMode });
    new TerraformOutput(this, 'shared_device_paths', { value: { a: sharedOnA.devicePath, b: sharedOnB.devicePath } });
    new TerraformOutput(this, 'shared_lock_modes', { value: sharedNow.lockModes });
  }
}

const app = new App();
new SharedLvmDemo(app, 'shared-lvm-demo');
app.synth();
