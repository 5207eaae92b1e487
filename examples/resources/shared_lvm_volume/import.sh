# Import a volume by its id (GET /v1/volumes on the agent lists them). This is the only way to take over
# an existing volume: a create onto a name the VG already has fails with name_taken and that volume's id.
terraform import shared_lvm_volume.db 3f2c9a1e-0d4b-4c55-9a8e-1b2c3d4e5f60
