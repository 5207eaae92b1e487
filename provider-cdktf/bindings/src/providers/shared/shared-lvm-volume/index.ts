// https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface SharedLvmVolumeConfig extends cdktf.TerraformMetaArguments {
  /**
  * Allow several attachments at once, each under a shared sanlock lease (default `false`: one host, exclusive lease). Changing it replaces the volume.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#multiattach SharedLvmVolume#multiattach}
  */
  readonly multiattach?: boolean | cdktf.IResolvable;
  /**
  * Name of the volume, unique among the volumes of its volume group: a create or rename onto a name another volume has fails (`name_taken`, naming that volume's id and the `terraform import` command to adopt it). Renames happen in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#name SharedLvmVolume#name}
  */
  readonly name: string;
  /**
  * The physical volume of the VG that holds a thick volume's extents, e.g. `/dev/vdb`. Set on create, the LV is allocated there; changed later, the extents move there online (pvmove, run on the host holding the volume when it is attached; refused for multi-attached volumes). Unset, it shows where LVM put the volume (null when it spans several PVs). Thin volumes: always null.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#pv SharedLvmVolume#pv}
  */
  readonly pv?: string;
  /**
  * Size in GiB (fractions in steps of 1 MiB, e.g. `0.5`; LVM rounds up to whole extents). Growing extends the LV in place; shrinking is an error at plan time. Required unless a source is set, where it defaults to the source's size.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#size_gib SharedLvmVolume#size_gib}
  */
  readonly sizeGib?: number;
  /**
  * Create the volume from this `shared_lvm_snapshot`. Changing it replaces the volume. Conflicts with `source_volume_id`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#source_snapshot_id SharedLvmVolume#source_snapshot_id}
  */
  readonly sourceSnapshotId?: string;
  /**
  * Create the volume as a clone of this volume. Changing it replaces the volume. Conflicts with `source_snapshot_id`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#source_volume_id SharedLvmVolume#source_volume_id}
  */
  readonly sourceVolumeId?: string;
  /**
  * User tags, stored as LVM tags on the LV (at most 8; LVM tag characters only).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#tags SharedLvmVolume#tags}
  */
  readonly tags?: string[];
  /**
  * Thin-provisioned in the VG's thin pool instead of thick (default `false`). Changing it retypes the volume in place by copy, like `volume_group`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#thin SharedLvmVolume#thin}
  */
  readonly thin?: boolean | cdktf.IResolvable;
  /**
  * The shared LVM volume group of the volume. Changing it retypes the volume in place: the agent copies the data into a new LV in that VG and removes the old one; the id stays. The volume must be detached and have no snapshots (a plan-time error otherwise).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#volume_group SharedLvmVolume#volume_group}
  */
  readonly volumeGroup: string;
  /**
  * Zero the data before the LV is removed on destroy (thick volumes only; default `false`).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#wipe_on_delete SharedLvmVolume#wipe_on_delete}
  */
  readonly wipeOnDelete?: boolean | cdktf.IResolvable;
  /**
  * timeouts block
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#timeouts SharedLvmVolume#timeouts}
  */
  readonly timeouts?: SharedLvmVolumeTimeouts;
}
export interface SharedLvmVolumeTimeouts {
  /**
  * How long to wait for create before giving up (default `10m`).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#create SharedLvmVolume#create}
  */
  readonly create?: string;
  /**
  * How long to wait for delete before giving up (default `10m`).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#delete SharedLvmVolume#delete}
  */
  readonly delete?: string;
  /**
  * How long to wait for update before giving up (default `10m`).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#update SharedLvmVolume#update}
  */
  readonly update?: string;
}

export function sharedLvmVolumeTimeoutsToTerraform(struct?: SharedLvmVolumeTimeouts | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    create: cdktf.stringToTerraform(struct!.create),
    delete: cdktf.stringToTerraform(struct!.delete),
    update: cdktf.stringToTerraform(struct!.update),
  }
}


export function sharedLvmVolumeTimeoutsToHclTerraform(struct?: SharedLvmVolumeTimeouts | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    create: {
      value: cdktf.stringToHclTerraform(struct!.create),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    delete: {
      value: cdktf.stringToHclTerraform(struct!.delete),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    update: {
      value: cdktf.stringToHclTerraform(struct!.update),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class SharedLvmVolumeTimeoutsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): SharedLvmVolumeTimeouts | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._create !== undefined) {
      hasAnyValues = true;
      internalValueResult.create = this._create;
    }
    if (this._delete !== undefined) {
      hasAnyValues = true;
      internalValueResult.delete = this._delete;
    }
    if (this._update !== undefined) {
      hasAnyValues = true;
      internalValueResult.update = this._update;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: SharedLvmVolumeTimeouts | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._create = undefined;
      this._delete = undefined;
      this._update = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._create = value.create;
      this._delete = value.delete;
      this._update = value.update;
    }
  }

  // create - computed: false, optional: true, required: false
  private _create?: string; 
  public get create() {
    return this.getStringAttribute('create');
  }
  public set create(value: string) {
    this._create = value;
  }
  public resetCreate() {
    this._create = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get createInput() {
    return this._create;
  }

  // delete - computed: false, optional: true, required: false
  private _delete?: string; 
  public get delete() {
    return this.getStringAttribute('delete');
  }
  public set delete(value: string) {
    this._delete = value;
  }
  public resetDelete() {
    this._delete = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get deleteInput() {
    return this._delete;
  }

  // update - computed: false, optional: true, required: false
  private _update?: string; 
  public get update() {
    return this.getStringAttribute('update');
  }
  public set update(value: string) {
    this._update = value;
  }
  public resetUpdate() {
    this._update = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get updateInput() {
    return this._update;
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume shared_lvm_volume}
*/
export class SharedLvmVolume extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "shared_lvm_volume";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a SharedLvmVolume resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the SharedLvmVolume to import
  * @param importFromId The id of the existing SharedLvmVolume that should be imported. Refer to the {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the SharedLvmVolume to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "shared_lvm_volume", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs/resources/shared_lvm_volume shared_lvm_volume} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options SharedLvmVolumeConfig
  */
  public constructor(scope: Construct, id: string, config: SharedLvmVolumeConfig) {
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
    this._multiattach = config.multiattach;
    this._name = config.name;
    this._pv = config.pv;
    this._sizeGib = config.sizeGib;
    this._sourceSnapshotId = config.sourceSnapshotId;
    this._sourceVolumeId = config.sourceVolumeId;
    this._tags = config.tags;
    this._thin = config.thin;
    this._volumeGroup = config.volumeGroup;
    this._wipeOnDelete = config.wipeOnDelete;
    this._timeouts.internalValue = config.timeouts;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // device_path - computed: true, optional: false, required: false
  public get devicePath() {
    return this.getStringAttribute('device_path');
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // lv_name - computed: true, optional: false, required: false
  public get lvName() {
    return this.getStringAttribute('lv_name');
  }

  // lv_uuid - computed: true, optional: false, required: false
  public get lvUuid() {
    return this.getStringAttribute('lv_uuid');
  }

  // multiattach - computed: true, optional: true, required: false
  private _multiattach?: boolean | cdktf.IResolvable; 
  public get multiattach() {
    return this.getBooleanAttribute('multiattach');
  }
  public set multiattach(value: boolean | cdktf.IResolvable) {
    this._multiattach = value;
  }
  public resetMultiattach() {
    this._multiattach = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get multiattachInput() {
    return this._multiattach;
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

  // pv - computed: true, optional: true, required: false
  private _pv?: string; 
  public get pv() {
    return this.getStringAttribute('pv');
  }
  public set pv(value: string) {
    this._pv = value;
  }
  public resetPv() {
    this._pv = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get pvInput() {
    return this._pv;
  }

  // size_bytes - computed: true, optional: false, required: false
  public get sizeBytes() {
    return this.getNumberAttribute('size_bytes');
  }

  // size_gib - computed: true, optional: true, required: false
  private _sizeGib?: number; 
  public get sizeGib() {
    return this.getNumberAttribute('size_gib');
  }
  public set sizeGib(value: number) {
    this._sizeGib = value;
  }
  public resetSizeGib() {
    this._sizeGib = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get sizeGibInput() {
    return this._sizeGib;
  }

  // source_snapshot_id - computed: false, optional: true, required: false
  private _sourceSnapshotId?: string; 
  public get sourceSnapshotId() {
    return this.getStringAttribute('source_snapshot_id');
  }
  public set sourceSnapshotId(value: string) {
    this._sourceSnapshotId = value;
  }
  public resetSourceSnapshotId() {
    this._sourceSnapshotId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get sourceSnapshotIdInput() {
    return this._sourceSnapshotId;
  }

  // source_volume_id - computed: false, optional: true, required: false
  private _sourceVolumeId?: string; 
  public get sourceVolumeId() {
    return this.getStringAttribute('source_volume_id');
  }
  public set sourceVolumeId(value: string) {
    this._sourceVolumeId = value;
  }
  public resetSourceVolumeId() {
    this._sourceVolumeId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get sourceVolumeIdInput() {
    return this._sourceVolumeId;
  }

  // tags - computed: false, optional: true, required: false
  private _tags?: string[]; 
  public get tags() {
    return cdktf.Fn.tolist(this.getListAttribute('tags'));
  }
  public set tags(value: string[]) {
    this._tags = value;
  }
  public resetTags() {
    this._tags = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tagsInput() {
    return this._tags;
  }

  // thin - computed: true, optional: true, required: false
  private _thin?: boolean | cdktf.IResolvable; 
  public get thin() {
    return this.getBooleanAttribute('thin');
  }
  public set thin(value: boolean | cdktf.IResolvable) {
    this._thin = value;
  }
  public resetThin() {
    this._thin = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get thinInput() {
    return this._thin;
  }

  // volume_group - computed: false, optional: false, required: true
  private _volumeGroup?: string; 
  public get volumeGroup() {
    return this.getStringAttribute('volume_group');
  }
  public set volumeGroup(value: string) {
    this._volumeGroup = value;
  }
  // Temporarily expose input value. Use with caution.
  public get volumeGroupInput() {
    return this._volumeGroup;
  }

  // wipe_on_delete - computed: true, optional: true, required: false
  private _wipeOnDelete?: boolean | cdktf.IResolvable; 
  public get wipeOnDelete() {
    return this.getBooleanAttribute('wipe_on_delete');
  }
  public set wipeOnDelete(value: boolean | cdktf.IResolvable) {
    this._wipeOnDelete = value;
  }
  public resetWipeOnDelete() {
    this._wipeOnDelete = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get wipeOnDeleteInput() {
    return this._wipeOnDelete;
  }

  // timeouts - computed: false, optional: true, required: false
  private _timeouts = new SharedLvmVolumeTimeoutsOutputReference(this, "timeouts");
  public get timeouts() {
    return this._timeouts;
  }
  public putTimeouts(value: SharedLvmVolumeTimeouts) {
    this._timeouts.internalValue = value;
  }
  public resetTimeouts() {
    this._timeouts.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get timeoutsInput() {
    return this._timeouts.internalValue;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      multiattach: cdktf.booleanToTerraform(this._multiattach),
      name: cdktf.stringToTerraform(this._name),
      pv: cdktf.stringToTerraform(this._pv),
      size_gib: cdktf.numberToTerraform(this._sizeGib),
      source_snapshot_id: cdktf.stringToTerraform(this._sourceSnapshotId),
      source_volume_id: cdktf.stringToTerraform(this._sourceVolumeId),
      tags: cdktf.listMapper(cdktf.stringToTerraform, false)(this._tags),
      thin: cdktf.booleanToTerraform(this._thin),
      volume_group: cdktf.stringToTerraform(this._volumeGroup),
      wipe_on_delete: cdktf.booleanToTerraform(this._wipeOnDelete),
      timeouts: sharedLvmVolumeTimeoutsToTerraform(this._timeouts.internalValue),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      multiattach: {
        value: cdktf.booleanToHclTerraform(this._multiattach),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      pv: {
        value: cdktf.stringToHclTerraform(this._pv),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      size_gib: {
        value: cdktf.numberToHclTerraform(this._sizeGib),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      source_snapshot_id: {
        value: cdktf.stringToHclTerraform(this._sourceSnapshotId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      source_volume_id: {
        value: cdktf.stringToHclTerraform(this._sourceVolumeId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      tags: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._tags),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      thin: {
        value: cdktf.booleanToHclTerraform(this._thin),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      volume_group: {
        value: cdktf.stringToHclTerraform(this._volumeGroup),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      wipe_on_delete: {
        value: cdktf.booleanToHclTerraform(this._wipeOnDelete),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      timeouts: {
        value: sharedLvmVolumeTimeoutsToHclTerraform(this._timeouts.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "SharedLvmVolumeTimeouts",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
