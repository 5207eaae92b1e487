# The only attachment of a volume: the host holds an exclusive lease.
resource "shared_lvm_attachment" "db_on_b" {
  volume_id = shared_lvm_volume.db.id
  host      = "b"
  mode      = "rw"
}

# A multiattach volume on two hosts: both hold shared leases.
resource "shared_lvm_attachment" "cluster_fs" {
  for_each  = toset(["a", "b"])
  volume_id = shared_lvm_volume.cluster_fs.id
  host      = each.key
}
