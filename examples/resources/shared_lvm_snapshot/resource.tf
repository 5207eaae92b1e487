resource "shared_lvm_snapshot" "nightly" {
  volume_id = shared_lvm_volume.db.id
  name      = "db-data-nightly"
}
