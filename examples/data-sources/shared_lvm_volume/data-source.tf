data "shared_lvm_volume" "existing" {
  name         = "db-data"
  volume_group = "labvg"
}

output "existing_device" {
  value = data.shared_lvm_volume.existing.device_path
}
