terraform {
  required_providers {
    # Resource types start with "shared_lvm_", so terraform's local name for the provider is "shared".
    shared = {
      source = "sharedlvm/shared-lvm"
    }
  }
}

provider "shared" {
  endpoint = "http://127.0.0.1:7480" # or SHAREDLVM_ENDPOINT
  # token  = "..."                   # or SHAREDLVM_TOKEN
  request_timeout = "2m"
}
