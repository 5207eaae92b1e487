#!/bin/bash
# Stage 2 (PID 1 in a lab guest): devices, network, LVM configuration, the lock daemons (sanlock +
# lvmlockd) and the lab's exec server; prints LAB-READY on the console when commands can run.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
mount -t proc proc /proc
mount -t sysfs sys /sys
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs -o mode=0755 tmpfs /run
# /tmp stays the overlay's (tmpfs-backed) copy: a tmpfs here could hide a checkout under /tmp.
mkdir -p /run/lvm /run/lvmlockd /run/sanlock /run/lock /var/run 2>/dev/null
fail() { echo "LAB-FAILED node=${node:-?}: $*"; sleep 1; echo o >/proc/sysrq-trigger; }

node= hostid= token= project=
for p in $(cat /proc/cmdline); do
  case "$p" in
    lab.node=*) node=${p#lab.node=} ;;
    lab.hostid=*) hostid=${p#lab.hostid=} ;;
    lab.token=*) token=${p#lab.token=} ;;
    lab.project=*) project=${p#lab.project=} ;;
  esac
done
hostname "node-$node"
echo "node-$node" >/etc/hostname

modprobe -a virtio_blk virtio_net dm_mod dm_snapshot dm_thin_pool dm_bufio dm_persistent_data || fail "modprobe"
# Without udev nobody makes the block nodes' symlinks; devtmpfs made the nodes themselves.
ip link set lo up
ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2 || fail "network"

mkdir -p /etc/lvm
cat >/etc/lvm/lvm.conf <<'CONF'
devices {
  filter = [ "a|^/dev/vd.*|", "r|.*|" ]
  global_filter = [ "a|^/dev/vd.*|", "r|.*|" ]
  obtain_device_list_from_udev = 0
  use_devicesfile = 0
  external_device_info_source = "none"
  scan_lvs = 0
}
activation {
  udev_sync = 0
  udev_rules = 0
  verify_udev_operations = 0
  monitoring = 0
}
global {
  use_lvmlockd = 1
  event_activation = 0
  thin_check_executable = "/usr/sbin/thin_check"
}
backup {
  retain_min = 4
  retain_days = 0
}
CONF
cat >/etc/lvm/lvmlocal.conf <<CONF
local {
  host_id = $hostid
}
CONF
grep -q '^sanlock:' /etc/group || echo 'sanlock:x:990:' >>/etc/group
grep -q '^sanlock:' /etc/passwd || echo 'sanlock:x:990:990:sanlock:/run/sanlock:/usr/sbin/nologin' >>/etc/passwd
sed -i 's/^disk:x:\([0-9]*\):\(.*\)$/disk:x:\1:\2,sanlock/; s/^disk:x:\([0-9]*\):,sanlock$/disk:x:\1:sanlock/' /etc/group
chown sanlock:sanlock /run/sanlock

sanlock daemon -w 0 -e "node-$node" || fail "sanlock daemon"
for _ in $(seq 50); do [ -S /run/sanlock/sanlock.sock ] && break; sleep 0.1; done
lvmlockd -o 3 || fail "lvmlockd"
for _ in $(seq 50); do [ -S /run/lvm/lvmlockd.socket ] && break; sleep 0.1; done
# pvmove under lvmlockd refuses to run without lvmpolld (it polls the move and survives its caller).
lvmpolld -t 0 || fail "lvmpolld"
for _ in $(seq 50); do [ -S /run/lvm/lvmpolld.socket ] && break; sleep 0.1; done

mkdir -p /var/log/lab
LAB_TOKEN=$token nohup /usr/bin/node "$project/test/lab/guest/exec-server.mjs" >/var/log/lab/exec-server.log 2>&1 &
for _ in $(seq 100); do grep -q listening /var/log/lab/exec-server.log 2>/dev/null && break; sleep 0.1; done
grep -q listening /var/log/lab/exec-server.log || { cat /var/log/lab/exec-server.log; fail "exec server"; }
echo "LAB-READY node=$node hostid=$hostid kernel=$(uname -r)"

# PID 1 reaps orphans forever.
trap '' TERM INT
while true; do sleep 3600 & wait $! 2>/dev/null; done
