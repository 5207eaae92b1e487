#!/usr/bin/env bash
# Builds (once, then cached) what the lab's guests boot: an uncompressed kernel, a busybox initramfs
# and a "layer" folder with the guest-only packages (lock daemons, kernel modules). Nothing here is
# installed on the host except the few host tools the lab itself runs (qemu, lvm2 for the guests'
# userland through the shared root, cpio/kmod to build the initramfs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${LAB_CACHE:-/var/cache/sharedlvm-lab}
# Bump when the layer's recipe changes so a stale cache is rebuilt, not reused.
recipe_version=4
host_pkgs=(qemu-system-x86 lvm2 thin-provisioning-tools cpio kmod xz-utils)
guest_pkgs=(lvm2-lockd sanlock libsanlock1 libsanlock-client1 libdlm3 busybox-static kmod libkmod2)

log() { printf '[lab-image] %s\n' "$*" >&2; }

install_host_packages() {
  local missing=()
  for p in "${host_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

stamp="$cache/image.v$recipe_version.done"
install_host_packages
if [ -f "$stamp" ] && [ -f "$cache/vmlinux" ] && [ -f "$cache/initramfs.cpio.gz" ] && [ -d "$cache/layer/usr" ]; then
  exit 0
fi

log "building guest image in $cache (recipe v$recipe_version)"
rm -rf "$cache/layer" "$cache/debs" "$cache/initramfs" "$cache"/image.v*.done
mkdir -p "$cache/debs" "$cache/layer"
kernel_pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
if [ -z "$kernel_pkg" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  kernel_pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
fi
[ -n "$kernel_pkg" ] || { log "cannot resolve linux-image-amd64"; exit 1; }
log "apt-get download $kernel_pkg ${guest_pkgs[*]}"
(cd "$cache/debs" && apt-get download -qq "$kernel_pkg" "${guest_pkgs[@]}")
for deb in "$cache"/debs/*.deb; do dpkg -x "$deb" "$cache/layer"; done

# dpkg -x makes /bin, /sbin, /lib real folders; in the overlay they would hide the host's
# usr-merged symlinks, so fold them into usr/.
for d in bin sbin lib lib64; do
  if [ -d "$cache/layer/$d" ] && [ ! -L "$cache/layer/$d" ]; then
    mkdir -p "$cache/layer/usr/$d"
    cp -a "$cache/layer/$d/." "$cache/layer/usr/$d/"
    rm -rf "${cache:?}/layer/$d"
  fi
done

kver=$(ls "$cache/layer/usr/lib/modules" | head -1)
log "kernel $kver: depmod"
depmod -b "$cache/layer/usr" "$kver" 2>/dev/null || depmod -b "$cache/layer" "$kver"

# The kernel: boot the uncompressed vmlinux (TCG is slow at decompressing).
vmlinuz="$cache/layer/boot/vmlinuz-$kver"
off=$(LC_ALL=C grep -aboP '\xfd7zXZ\x00' "$vmlinuz" | head -1 | cut -d: -f1)
tail -c +"$((off + 1))" "$vmlinuz" | xz -dc >"$cache/vmlinux.tmp" 2>/dev/null || true
[ -s "$cache/vmlinux.tmp" ] || { log "could not extract vmlinux from $vmlinuz"; exit 1; }
mv "$cache/vmlinux.tmp" "$cache/vmlinux"

# The initramfs: busybox, the modules needed to mount the host root over 9p, and our init.
ird="$cache/initramfs"
mkdir -p "$ird"/{bin,dev,proc,sys,mnt/host,mnt/layer,mnt/upper,newroot,modules}
cp "$cache/layer/usr/bin/busybox" "$ird/bin/busybox"
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay; do
  f=$(find "$cache/layer/usr/lib/modules/$kver" -name "$m.ko*" | head -1)
  if [ -z "$f" ]; then
    log "module $m not found (built in?)"; continue
  fi
  case "$f" in
    *.ko.xz) xz -dc "$f" >"$ird/modules/$m.ko" ;;
    *.ko.zst) zstd -qdc "$f" >"$ird/modules/$m.ko" ;;
    *) cp "$f" "$ird/modules/$m.ko" ;;
  esac
  echo "$m" >>"$ird/modules/order"
done
install -m 0755 "$here/guest/init" "$ird/init"
(cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1 >"$cache/initramfs.cpio.gz")
echo "$kver" >"$cache/kernel-version"
touch "$stamp"
log "done: $(du -sh "$cache" | cut -f1)"
