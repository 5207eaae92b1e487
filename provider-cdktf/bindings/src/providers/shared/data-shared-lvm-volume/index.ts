// https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/data-sources/shared_lvm_volume
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataSharedLvmVolumeConfig extends cdktf.TerraformMetaArguments {
  /**
  * Id of the volume. Set either this or `name` + `volume_group`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/data-sources/shared_lvm_volume#id DataSharedLvmVolume#id}
  *
  * Please be aware that the id field is automatically added to all resources in Terraform providers using a Terraform provider SDK version below 2.
  * If you experience problems setting this value it might not be settable. Please take a look at the provider documentation to ensure it should be settable.
  */
  readonly id?: string;
  /**
  * Name of the volume (with `volume_group`).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/data-sources/shared_lvm_volume#name DataSharedLvmVolume#name}
  */
  readonly name?: string;
  /**
  * Volume group of the volume.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/data-sources/shared_lvm_volume#volume_group DataSharedLvmVolume#volume_group}
  */
  readonly volumeGroup?: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/data-sources/shared_lvm_volume shared_lvm_volume}
*/
export class DataSharedLvmVolume extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "shared_lvm_volume";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataSharedLvmVolume resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataSharedLvmVolume to import
  * @param importFromId The id of the existing DataSharedLvmVolume that should be imported. Refer to the {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/data-sources/shared_lvm_volume#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataSharedLvmVolume to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "shared_lvm_volume", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/data-sources/shared_lvm_volume shared_lvm_volume} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataSharedLvmVolumeConfig = {}
  */
  public constructor(scope: Construct, id: string, config: DataSharedLvmVolumeConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'shared_lvm_volume',
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
    this._id = config.id;
    this._name = config.name;
    this._volumeGroup = config.volumeGroup;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // attached_hosts - computed: true, optional: false, required: false
  public get attachedHosts() {
    return this.getListAttribute('attached_hosts');
  }

  // device_path - computed: true, optional: false, required: false
  public get devicePath() {
    return this.getStringAttribute('device_path');
  }

  // id - computed: true, optional: true, required: false
  private _id?: string; 
  public get id() {
    return this.getStringAttribute('id');
  }
  public set id(value: string) {
    this._id = value;
  }
  public resetId() {
    this._id = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get idInput() {
    return this._id;
  }

  // lock_modes - computed: true, optional: false, required: false
  private _lockModes = new cdktf.StringMap(this, "lock_modes");
  public get lockModes() {
    return this._lockModes;
  }

  // lv_name - computed: true, optional: false, required: false
  public get lvName() {
    return this.getStringAttribute('lv_name');
  }

  // lv_uuid - computed: true, optional: false, required: false
  public get lvUuid() {
    return this.getStringAttribute('lv_uuid');
  }

  // multiattach - computed: true, optional: false, required: false
  public get multiattach() {
    return this.getBooleanAttribute('multiattach');
  }

  // name - computed: true, optional: true, required: false
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  public resetName() {
    this._name = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // operation_id - computed: true, optional: false, required: false
  public get operationId() {
    return this.getStringAttribute('operation_id');
  }

  // pvs - computed: true, optional: false, required: false
  public get pvs() {
    return this.getListAttribute('pvs');
  }

  // size_bytes - computed: true, optional: false, required: false
  public get sizeBytes() {
    return this.getNumberAttribute('size_bytes');
  }

  // size_gib - computed: true, optional: false, required: false
  public get sizeGib() {
    return this.getNumberAttribute('size_gib');
  }

  // status - computed: true, optional: false, required: false
  public get status() {
    return this.getStringAttribute('status');
  }

  // tags - computed: true, optional: false, required: false
  public get tags() {
    return cdktf.Fn.tolist(this.getListAttribute('tags'));
  }

  // thin - computed: true, optional: false, required: false
  public get thin() {
    return this.getBooleanAttribute('thin');
  }

  // volume_group - computed: true, optional: true, required: false
  private _volumeGroup?: string; 
  public get volumeGroup() {
    return this.getStringAttribute('volume_group');
  }
  public set volumeGroup(value: string) {
    this._volumeGroup = value;
  }
  public resetVolumeGroup() {
    this._volumeGroup = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get volumeGroupInput() {
    return this._volumeGroup;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      id: cdktf.stringToTerraform(this._id),
      name: cdktf.stringToTerraform(this._name),
      volume_group: cdktf.stringToTerraform(this._volumeGroup),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      id: {
        value: cdktf.stringToHclTerraform(this._id),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      volume_group: {
        value: cdktf.stringToHclTerraform(this._volumeGroup),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
