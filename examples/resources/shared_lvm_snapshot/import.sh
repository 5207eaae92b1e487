# Import a snapshot by its id (a create onto a taken name fails with name_taken and that id).
terraform import shared_lvm_snapshot.nightly 7b1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f
