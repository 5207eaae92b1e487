// https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/data-sources/shared_lvm_volume_group
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataSharedLvmVolumeGroupConfig extends cdktf.TerraformMetaArguments {
  /**
  * Name of the volume group.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/data-sources/shared_lvm_volume_group#name DataSharedLvmVolumeGroup#name}
  */
  readonly name: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/data-sources/shared_lvm_volume_group shared_lvm_volume_group}
*/
export class DataSharedLvmVolumeGroup extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "shared_lvm_volume_group";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataSharedLvmVolumeGroup resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataSharedLvmVolumeGroup to import
  * @param importFromId The id of the existing DataSharedLvmVolumeGroup that should be imported. Refer to the {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/data-sources/shared_lvm_volume_group#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataSharedLvmVolumeGroup to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "shared_lvm_volume_group", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/data-sources/shared_lvm_volume_group shared_lvm_volume_group} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataSharedLvmVolumeGroupConfig
  */
  public constructor(scope: Construct, id: string, config: DataSharedLvmVolumeGroupConfig) {
    super(scope, id, {
      terraformResourceType: 'shared_lvm_volume_group',
      terraformGeneratorMetadata: {
        providerName: 'shared-lvm',
        providerVersionConstraint: '~> 0.1'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._name = config.name;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // allocated_bytes - computed: true, optional: false, required: false
  public get allocatedBytes() {
    return this.getNumberAttribute('allocated_bytes');
  }

  // extent_size_bytes - computed: true, optional: false, required: false
  public get extentSizeBytes() {
    return this.getNumberAttribute('extent_size_bytes');
  }

  // free_bytes - computed: true, optional: false, required: false
  public get freeBytes() {
    return this.getNumberAttribute('free_bytes');
  }

  // free_gib - computed: true, optional: false, required: false
  public get freeGib() {
    return this.getNumberAttribute('free_gib');
  }

  // lock_type - computed: true, optional: false, required: false
  public get lockType() {
    return this.getStringAttribute('lock_type');
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // size_bytes - computed: true, optional: false, required: false
  public get sizeBytes() {
    return this.getNumberAttribute('size_bytes');
  }

  // snapshot_count - computed: true, optional: false, required: false
  public get snapshotCount() {
    return this.getNumberAttribute('snapshot_count');
  }

  // thin_pool - computed: true, optional: false, required: false
  public get thinPool() {
    return this.getStringAttribute('thin_pool');
  }

  // volume_count - computed: true, optional: false, required: false
  public get volumeCount() {
    return this.getNumberAttribute('volume_count');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      name: cdktf.stringToTerraform(this._name),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
