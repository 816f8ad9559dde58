#!/bin/sh
# check_cgroup on Debian 12's own kernel and the unified cgroup v2
# hierarchy, in a throw-away VM: the test machines run a v1/v2 hybrid
# whose cgroup2 has no memory, pids or cpu, so the v2 paths (limit
# files, memory.oom.group, event notification, the daemon's move out of
# its own cgroup) can only be proven there.
#
# As root, from the build directory:  sh ../tests/unit/cgroup_v2_vm.sh
# Needs qemu-system-x86 and busybox-static (contrib/quickstart.sh lists
# them); the kernel package is fetched with apt-get download, not
# installed.  QEMU_ACCEL=kvm when nested KVM works (it hangs on the test
# machines; TCG boots and runs the suite in about 15 s).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(pwd)
cache=${CGROUP_VM_CACHE:-/var/tmp/safecgi-cgroup-vm}
accel=${QEMU_ACCEL:-tcg}

for tool in qemu-system-x86_64 dpkg-deb apt-get; do
	command -v "$tool" >/dev/null || {
		echo "cgroup_v2_vm: $tool missing" >&2; exit 1; }
done
[ -f "$build/autoconf.h" ] || {
	echo "cgroup_v2_vm: run from the build directory" >&2; exit 1; }

mkdir -p "$cache"
cd "$cache"
if [ ! -f vmlinuz ]; then
	pkg=$(apt-cache depends linux-image-amd64 |
	    awk '/Depends: linux-image-/ { print $2; exit }')
	apt-get download "$pkg" 2>/dev/null
	dpkg-deb -x "$pkg"_*.deb k
	cp k/boot/vmlinuz-* vmlinuz
	rm -rf k "$pkg"_*.deb
fi
if [ ! -f busybox ]; then
	if [ -x /bin/busybox ] && /bin/busybox --help 2>&1 | grep -q static
	then
		cp /bin/busybox busybox
	else
		apt-get download busybox-static 2>/dev/null
		dpkg-deb -x busybox-static_*.deb bb
		cp bb/bin/busybox busybox
		rm -rf bb busybox-static_*.deb
	fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/root/bin" "$tmp/root/proc" "$tmp/root/sys" \
    "$tmp/root/dev" "$tmp/root/tmp"
cp busybox "$tmp/root/bin/busybox"
for applet in sh mount mkdir cat echo rm ls grep poweroff; do
	ln -s busybox "$tmp/root/bin/$applet"
done
# shellcheck disable=SC2086
${CC:-cc} -O2 -static -D_GNU_SOURCE -I"$top/include" -I"$build" \
    -o "$tmp/root/check_cgroup" "$top/tests/unit/check_cgroup.c" \
    "$top/src/cgroup.c" "$top/src/fdpass.c" \
    $(pkg-config --static --libs check) -lpthread
cat > "$tmp/root/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/shm
mount -t tmpfs shm /dev/shm
mount -t tmpfs tmp /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup
echo "VM: $(cat /proc/version)"
# what systemd does for a unit with Delegate=yes: the controllers are
# available in the unit's own cgroup, which holds the daemon
echo "+cpu +memory +pids" > /sys/fs/cgroup/cgroup.subtree_control
mkdir /sys/fs/cgroup/safecgi.service
echo $$ > /sys/fs/cgroup/safecgi.service/cgroup.procs
/check_cgroup
echo "VM: check_cgroup exit $?"
echo "VM: left: $(cd /sys/fs/cgroup/safecgi.service && ls -d */ 2>/dev/null)"
poweroff -f
EOF
chmod +x "$tmp/root/init"
(cd "$tmp/root" && find . | ./bin/busybox cpio -o -H newc 2>/dev/null |
    gzip > "$tmp/init.cpio.gz")

timeout 300 qemu-system-x86_64 -accel "$accel" -cpu max -m 768M -smp 2 \
    -kernel vmlinuz -initrd "$tmp/init.cpio.gz" \
    -append "console=ttyS0 panic=-1 quiet" -nographic -no-reboot \
    > "$tmp/raw" 2>&1 || true
tr -d '\r' < "$tmp/raw" | sed 's/^.*VM:/VM:/' > "$tmp/console"
grep -a -E '^(VM:|Running|[0-9]+%|.*:[FE]:)' "$tmp/console"
grep -a -q '^VM: check_cgroup exit 0$' "$tmp/console" &&
    grep -a -q '^VM: left: *$' "$tmp/console"
