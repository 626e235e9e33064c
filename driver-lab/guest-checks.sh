# guest-checks.sh - lab 17's checks, run INSIDE the QEMU guest by
# tests/17-memdev.bats (through scripts/vm-run, which puts this script,
# memdev.ko and the static programs in /lab).  Plain busybox sh.
#
# Prints one line per fact:  RESULT <name> ok|fail <what was seen>
# The bats file asserts each line; vm-run adds "RESULT kernel-log ...".
#
# Two load cycles: first with the default pages=1, then with pages=3 (so
# page offsets, multi-page zeroing and mremap growth can be tested); the
# last check ("busy") unloads the module itself.

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
	c_out=$(printf '%s' "$c_out" | tr '\n' ' ')
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

# ---- cycle 1: default parameters ----------------------------------------
if out=$(insmod $mod 2>&1); then
	if d=$(nodes_ok); then result nodes ok "$d"; else result nodes fail "$d"; fi
	check pages-default sh -c "p=\$(cat /sys/module/$name/parameters/pages); echo pages=\$p; [ \$p = 1 ]"
	check zeroed-1page sh -c "memdev_check zeroed /dev/${name}0 && memdev_check zeroed /dev/${name}1"
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

# ---- cycle 2: three pages -------------------------------------------------
if out=$(insmod $mod pages=3 2>&1); then
	d0=/dev/${name}0
	check zeroed sh -c "memdev_check zeroed $d0 && memdev_check zeroed /dev/${name}1"
	check share memdev_check share $d0
	check fork memdev_check fork $d0
	check separate memdev_check separate $d0 /dev/${name}1
	check rw memdev_check rw $d0
	check bounds memdev_check bounds $d0
	check pgoff memdev_check pgoff $d0
	check protread memdev_check protread $d0
	check rdonly memdev_check rdonly $d0
	check mremap memdev_check mremap $d0
	check private memdev_check private $d0
	check maps memdev_check maps $d0
	check kwriter memdev_check kwriter $d0
	check memdev_test memdev_test $d0
	check busy memdev_check busy $d0 $name
	if g=$(gone_ok); then
		cycles="$cycles cycle2: loaded with pages=3, removed after munmap, $g"
	else
		[ -e /sys/module/$name ] && rmmod $name
		cycles="$cycles cycle2: $g"
	fi
else
	result zeroed fail "insmod pages=3: $out"
fi

case $cycles in
*cycle1:\ loaded*cycle2:\ loaded*gone) result load-unload ok "$cycles" ;;
*) result load-unload fail "$cycles" ;;
esac

[ $fails -eq 0 ]
