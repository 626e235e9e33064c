# guest-demo.sh - lab 17's narrated demo (plain POSIX sh: busybox runs it).
#
#   make lab-17          runs it inside the QEMU guest (scripts/vm-run puts
#                        memdev.ko and the programs in /lab)
#   make lab-17 HOST=1   runs it on this machine:  sudo sh guest-demo.sh MODDIR BINDIR
#
# It loads the module, lets memdev_test share the buffer both ways, shows
# the two ways of building page tables side by side (faults and Rss),
# MAP_PRIVATE and mremap per method, the driver writing on its own, what
# the driver refuses, and that rmmod is refused while a mapping exists.
# It always unloads the module at the end.  BINDIR/demo.env (written by
# driver-lab/Makefile) names the exercises still to do in this tree.
set -e
mod=${1:-/lab}/memdev.ko
bin=${2:-/lab}
todo=
[ ! -r "$bin/demo.env" ] || . "$bin/demo.env"
n=0

step() {
	n=$((n + 1))
	printf '\n== %d. %s\n' "$n" "$*"
}
say() { printf '%s\n' "$@"; }
show() {
	printf '$ %s\n' "$*" | sed "s|$bin/||"
	"$@"
}
# facts CMD...: run a check program, one observation per line.  A check
# that fails stops the demo (set -e) with its message.
facts() {
	printf '$ %s\n' "$*" | sed "s|$bin/||"
	f_out=$("$@") || { echo "guest-demo.sh: this check failed" >&2; return 1; }
	printf '%s\n' "$f_out" | awk '{ gsub(/; /, "\n  "); print "  " $0 }'
}
# kmsg PATTERN: the last kernel log line that matches, shown as a command
kmsg() {
	printf "\$ dmesg | grep '%s' | tail -n 1\n" "$1"
	dmesg | grep -e "$1" | tail -n 1
}

if [ "$(id -u)" != 0 ]; then
	echo "guest-demo.sh: must run as root (it loads a kernel module)" >&2
	exit 1
fi
if [ -e /sys/module/memdev ]; then
	echo "guest-demo.sh: memdev is already loaded; rmmod memdev first" >&2
	exit 1
fi
trap '[ ! -e /sys/module/memdev ] || rmmod memdev' EXIT

step "Load the module: two devices of 4 pages each"
say "memdev_init() asks for a dynamic major, creates the class 'memdev'," \
	"and for each device: a zeroed, page-aligned buffer from the page" \
	"allocator, a cdev, and a class device, which makes devtmpfs create" \
	"/dev/memdevN with that major, and sysfs the file 'faults'."
show insmod "$mod"
show grep memdev /proc/devices
show ls -l /dev/memdev0 /dev/memdev1
show ls /sys/class/memdev/memdev1
kmsg 'memdev: major'

step "Map the buffer and share it both ways (the seed's test, corrected)"
say "memdev_test maps /dev/memdev0 MAP_SHARED, stores through the mapping" \
	"and reads with pread(2), writes with pwrite(2) and reads the mapping," \
	"and lets the driver bump a counter with an ioctl."
show "$bin/memdev_test" /dev/memdev0
say "In the maps line: 's' = a shared mapping, 00000000 = vm_pgoff (the" \
	"offset passed to mmap, never a physical address), then the device and" \
	"inode of the /dev/memdev0 node.  The driver logged the request it" \
	"checked (dev_dbg, switched on by -DDEBUG in Kbuild):"
kmsg 'mmap: pages'

step "Two ways to build the page tables: all at mmap time, or one per fault"
say "memdev0 calls remap_pfn_range() in .mmap: every page is mapped before" \
	"mmap() returns.  memdev1 only installs a .fault handler: the first" \
	"access to each page traps, and the driver supplies that page." \
	"memdev_faults maps both, reads page 0, page 2, page 0 again, and shows" \
	"the driver's fault count (since mmap) and the mapping's Rss each time."
show "$bin/memdev_faults"
say "memdev1: one fault per new page, none for a page already mapped, and" \
	"Rss grows a page per fault.  memdev0: no faults ever, and Rss stays 0" \
	"although all its pages are mapped: a PFN mapping (VmFlags 'pf') has no" \
	"pages the memory manager counts."

step "MAP_PRIVATE and mremap: where the two methods differ"
facts "$bin/memdev_maprules" private /dev/memdev0
facts "$bin/memdev_maprules" private /dev/memdev1
say "memdev0 refuses: a private PFN mapping would store the physical page" \
	"number in vm_pgoff, which /proc/PID/maps prints.  memdev1 gives real" \
	"copy-on-write: the store went to a private (anonymous) copy."
facts "$bin/memdev_maprules" mremap /dev/memdev0
facts "$bin/memdev_maprules" mremap /dev/memdev1
say "remap_pfn_range() marks memdev0's mapping VM_DONTEXPAND; memdev1's may" \
	"grow, and its fault handler answers SIGBUS past the buffer."

step "The kernel writes, a child watches its mapping without any syscall"
say "The parent calls ioctl(MEMDEV_IOC_BUMP) 100 times; the driver adds 1" \
	"to a counter through its own kernel pointer.  The child only loads" \
	"from its mapping, and sees every value appear."
facts "$bin/memdev_check" kwriter /dev/memdev0

step "What the driver (and the kernel's mmap code) refuses"
facts "$bin/memdev_maprules" rdonly /dev/memdev0
case " $todo " in
*" 17.1 "*)
	say "" "Exercise 17.1 is not done yet (make todo shows where)." \
		"Once it is, this step shows both devices refusing, with EINVAL at" \
		"mmap time, a mapping longer than the buffer or starting at or" \
		"past its end (memdev_maprules bounds)."
	;;
*)
	facts "$bin/memdev_maprules" bounds /dev/memdev0
	facts "$bin/memdev_maprules" bounds /dev/memdev1
	say "Seed bug: the seed's driver mapped any length at any offset, i.e." \
		"whatever physical memory follows its buffer."
	;;
esac

step "A mapping keeps the module loaded: rmmod is refused, not delayed"
say "The check maps a page, closes the fd, tries delete_module (what" \
	"rmmod calls), unmaps, and tries again.  refcnt is /sys/module/memdev/refcnt."
facts "$bin/memdev_check" busy /dev/memdev1 memdev
printf '$ ls /dev/memdev*\n'
ls /dev/memdev* 2>&1 || true

step "Done"
say "The module is unloaded.  An out-of-tree, unsigned module taints the" \
	"kernel (harmless here; a bug report would mention it):"
printf '$ dmesg | grep memdev | grep -v "mmap: pages" | tail -n 4\n'
dmesg | grep memdev | grep -v 'mmap: pages' | tail -n 4
