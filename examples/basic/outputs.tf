output "vg_free_gib" {
  value = data.shared_lvm_volume_group.vg.free_gib
}

output "app_device_path_on_b" {
  value = shared_lvm_attachment.app_on_b.device_path
}

output "app_lock_mode_on_b" {
  value = shared_lvm_attachment.app_on_b.lock_mode
}

output "shared_device_paths" {
  value = {
    a = shared_lvm_attachment.shared_on_a.device_path
    b = shared_lvm_attachment.shared_on_b.device_path
  }
}

output "shared_lock_modes" {
  value = {
    a = shared_lvm_attachment.shared_on_a.lock_mode
    b = shared_lvm_attachment.shared_on_b.lock_mode
  }
}
