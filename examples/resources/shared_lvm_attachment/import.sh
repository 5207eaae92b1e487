# Import an attachment by "<volume_id>/<host>".
terraform import shared_lvm_attachment.db_on_b 3f2c9a1e-0d4b-4c55-9a8e-1b2c3d4e5f60/b
