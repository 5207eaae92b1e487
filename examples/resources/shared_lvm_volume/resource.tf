resource "shared_lvm_volume" "db" {
  name         = "db-data"
  volume_group = "labvg"
  size_gib     = 20 # grows in place; a smaller value is refused at plan time
  tags         = ["app=db", "env=prod"]
  pv           = "/dev/vdb" # change it to move the extents online (pvmove); unset, it shows where LVM put them

  timeouts {
    create = "5m"
    update = "30m" # a move or a retype (volume_group / thin change) is waited for within this
  }
}

# A volume made from a snapshot (replaced if the source changes).
resource "shared_lvm_volume" "db_copy" {
  name               = "db-data-copy"
  volume_group       = "labvg"
  source_snapshot_id = shared_lvm_snapshot.nightly.id
}

# A volume several hosts can attach at once (shared sanlock leases).
resource "shared_lvm_volume" "cluster_fs" {
  name         = "gfs2-data"
  volume_group = "labvg"
  size_gib     = 10
  multiattach  = true
}
