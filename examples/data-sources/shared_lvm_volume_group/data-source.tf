data "shared_lvm_volume_group" "lab" {
  name = "labvg"
}

output "free_gib" {
  value = data.shared_lvm_volume_group.lab.free_gib
}
