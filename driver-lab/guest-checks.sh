# guest-checks.sh - lab 17's checks, run INSIDE the QEMU guest by
# tests/17-memdev.bats (through scripts/vm-run, which puts this script,
# memdev.ko and the static programs in /lab).  Plain busybox sh.
#
# Prints one line per fact:  RESULT <name> ok|fail <what was seen>
# The bats file asserts each line; vm-run adds "RESULT kernel-log ...".
# The detail of a multi-line output is its lines joined by " | ".
#
# Two load cycles: first with the default pages=4, where every check runs
# on both devices (memdev0: remap_pfn_range at mmap time, memdev1: a fault
# handler), then with pages=1; the last check ("busy") unloads the module
# itself.

mod=/lab/memdev.ko
name=memdev
fails=0

result() { # NAME ok|fail DETAIL
	echo "RESULT $1 $2 $3"
	[ "$2" = ok ] || fails=$((fails + 1))
}

# check NAME CMD ARGS...: the fact holds when CMD exits 0; its output
# (joined into one line) is the detail.
check() {
	c_name=$1
	shift
	c_out=$(timeout 60 "$@" 2>&1)
	c_rc=$?
	c_out=$(printf '%s' "$c_out" | awk 'NR > 1 { printf " | " } { printf "%s", $0 }')
	if [ $c_rc -eq 0 ]; then
		result "$c_name" ok "$c_out"
	else
		result "$c_name" fail "exit $c_rc: $c_out"
	fi
}

major() { awk -v n=$name '$2 == n { print $1 }' /proc/devices; }

# nodes_ok: both nodes exist as char devices of the registered major with
# minors 0 and 1, and sysfs agrees.  Prints what it saw.
nodes_ok() {
	m=$(major)
	[ -n "$m" ] || { echo "no $name in /proc/devices"; return 1; }
	for i in 0 1; do
		[ -c /dev/$name$i ] || { echo "/dev/$name$i is missing"; return 1; }
		# stat prints the device numbers in hex
		mm=$(stat -c '%t:%T' /dev/$name$i)
		want=$(printf '%x:%x' "$m" $i)
		[ "$mm" = "$want" ] || { echo "/dev/$name$i is $mm, want $want"; return 1; }
		[ "$(cat /sys/class/$name/$name$i/dev)" = "$m:$i" ] ||
			{ echo "sysfs disagrees for $name$i"; return 1; }
	done
	# A dynamic major comes from 234..254 or 384..511 (fs/char_dev.c).
	if [ "$m" -ge 234 ] && [ "$m" -le 254 ] || [ "$m" -ge 384 ] && [ "$m" -le 511 ]; then
		echo "major $m (dynamic range), /dev/${name}0 = $m:0, /dev/${name}1 = $m:1"
	else
		echo "major $m is not in a dynamic range"
		return 1
	fi
}

gone_ok() {
	[ -z "$(major)" ] || { echo "still in /proc/devices"; return 1; }
	[ ! -e /dev/${name}0 ] && [ ! -e /dev/${name}1 ] || { echo "nodes remain"; return 1; }
	[ ! -e /sys/class/$name ] || { echo "class remains"; return 1; }
	[ ! -e /sys/module/$name ] || { echo "module remains"; return 1; }
	echo "nodes, major, class and module gone"
}

cycles=""
result kernel ok "$(uname -r)"

# ---- cycle 1: default parameters (pages=4) --------------------------------
d0=/dev/${name}0
d1=/dev/${name}1
if out=$(insmod $mod 2>&1); then
	if d=$(nodes_ok); then result nodes ok "$d"; else result nodes fail "$d"; fi
	check pages-default sh -c "p=\$(cat /sys/module/$name/parameters/pages); echo pages=\$p; [ \$p = 4 ]"
	check zeroed sh -c "memdev_check zeroed $d0 && memdev_check zeroed $d1"
	# The two methods side by side: pages 0..3, then 3 and 1 again.
	check faults memdev_faults 0 1 2 3 3 1
	for i in 0 1; do
		check share-$i memdev_check share /dev/$name$i
		check fork-$i memdev_check fork /dev/$name$i
		check bounds-$i memdev_maprules bounds /dev/$name$i
		check pgoff-$i memdev_maprules pgoff /dev/$name$i
		check protread-$i memdev_maprules protread /dev/$name$i
		check rdonly-$i memdev_maprules rdonly /dev/$name$i
		check mremap-$i memdev_maprules mremap /dev/$name$i
		check private-$i memdev_maprules private /dev/$name$i
		check maps-$i memdev_maprules maps /dev/$name$i
		check kwriter-$i memdev_check kwriter /dev/$name$i
	done
	check separate memdev_check separate $d0 $d1
	check rw memdev_check rw $d0
	check memdev_test memdev_test $d1
	if out=$(rmmod $name 2>&1) && g=$(gone_ok); then
		cycles="cycle1: loaded, unloaded, $g;"
	else
		cycles="cycle1: unload failed: $out $g;"
	fi
else
	result nodes fail "insmod: $out"
fi

# ---- bad parameters: init must fail cleanly -----------------------------
for bad in 0 1025; do
	if out=$(insmod $mod pages=$bad 2>&1); then
		rmmod $name
		result bad-pages-$bad fail "insmod pages=$bad succeeded"
	elif g=$(gone_ok); then
		result bad-pages-$bad ok "insmod pages=$bad: ${out##*: }; $g"
	else
		result bad-pages-$bad fail "left behind: $g"
	fi
done

# ---- init fails at device 1: everything device 0 got is given back --------
if out=$(insmod $mod fail_minor=1 2>&1); then
	rmmod $name
	result init-unwind fail "insmod fail_minor=1 succeeded"
elif g=$(gone_ok); then
	result init-unwind ok "insmod fail_minor=1: ${out##*: }; $g"
else
	result init-unwind fail "left behind: $g"
fi

# ---- cycle 2: one page ----------------------------------------------------
if out=$(insmod $mod pages=1 2>&1); then
	check zeroed-1page sh -c "memdev_check zeroed $d0 && memdev_check zeroed $d1"
	check faults-1page memdev_faults 0 0
	check bounds-1page memdev_maprules bounds $d1
	check busy memdev_check busy $d1 $name
	if g=$(gone_ok); then
		cycles="$cycles cycle2: loaded with pages=1, removed after munmap, $g"
	else
		[ -e /sys/module/$name ] && rmmod $name
		cycles="$cycles cycle2: $g"
	fi
else
	result zeroed-1page fail "insmod pages=1: $out"
fi

case $cycles in
*cycle1:\ loaded*cycle2:\ loaded*gone) result load-unload ok "$cycles" ;;
*) result load-unload fail "$cycles" ;;
esac

[ $fails -eq 0 ]
