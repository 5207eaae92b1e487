# examples/basic: what `make demo` applies in the two-node lab.
#   a volume and a snapshot of it, the volume attached exclusively to node b,
#   and a multiattach volume attached to both nodes (shared leases).
# Offline install: TF_CLI_CONFIG_FILE=../../.terraform-mirror/terraformrc (written by `make provider`).
terraform {
  required_providers {
    shared = {
      source = "sharedlvm/shared-lvm"
    }
  }
}

variable "endpoint" {
  description = "The control agent (node a in the lab). SHAREDLVM_ENDPOINT works too."
  type        = string
  default     = null
}

variable "volume_group" {
  type    = string
  default = "labvg"
}

variable "hosts" {
  description = "Host names as registered in the control agent."
  type        = object({ a = string, b = string })
  default     = { a = "a", b = "b" }
}

provider "shared" {
  endpoint = var.endpoint
}

data "shared_lvm_volume_group" "vg" {
  name = var.volume_group
}

resource "shared_lvm_volume" "app" {
  name         = "demo-app"
  volume_group = data.shared_lvm_volume_group.vg.name
  size_gib     = 1
  tags         = ["demo"]
}

resource "shared_lvm_snapshot" "app_before_upgrade" {
  volume_id = shared_lvm_volume.app.id
  name      = "demo-app-before-upgrade"
}

resource "shared_lvm_attachment" "app_on_b" {
  volume_id = shared_lvm_volume.app.id
  host      = var.hosts.b
  mode      = "rw"
  # the snapshot is taken before the volume goes into use on b
  depends_on = [shared_lvm_snapshot.app_before_upgrade]
}

resource "shared_lvm_volume" "shared" {
  name         = "demo-shared"
  volume_group = data.shared_lvm_volume_group.vg.name
  size_gib     = 1
  multiattach  = true
}

resource "shared_lvm_attachment" "shared_on_a" {
  volume_id = shared_lvm_volume.shared.id
  host      = var.hosts.a
}

resource "shared_lvm_attachment" "shared_on_b" {
  volume_id = shared_lvm_volume.shared.id
  host      = var.hosts.b
  # attach one after the other: the second attachment turns both leases shared
  depends_on = [shared_lvm_attachment.shared_on_a]
}
