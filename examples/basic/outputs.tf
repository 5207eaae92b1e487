# Read back after the attachments exist (depends_on defers the read to apply time on the first run),
# so the outputs show the leases both hosts hold and stay stable on the next plan.
data "shared_lvm_volume" "shared_now" {
  id         = shared_lvm_volume.shared.id
  depends_on = [shared_lvm_attachment.shared_on_a, shared_lvm_attachment.shared_on_b]
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
  value = data.shared_lvm_volume.shared_now.lock_modes
}

output "vg_lock_type" {
  value = data.shared_lvm_volume_group.vg.lock_type
}
