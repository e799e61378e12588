# SPDX-License-Identifier: GPL-2.0
#
# perftest-lib.sh - perftest inside a node of a virtual cluster, shared by
# bench/bench-node.sh and bench/imc-bench-node.sh.  Sourced; expects
# $share, $node, $server_ip, $dev, $step_timeout and $bw_bytes.  Node 1
# runs each perftest server, node 2 its client and prints the figure:
#   pt lat write|read <bytes> <typical-usec> <average-usec>
#   pt bw  write|read <bytes> <MB/s>

# Wait until $1 exists in the share (at most $2 seconds).
wait_file() {
	local f=$share/$1 n=$(($2 * 10))
	while [ ! -e "$f" ]; do
		n=$((n - 1))
		[ $n -gt 0 ] || { echo "bench: timed out waiting for $1" >&2; return 1; }
		sleep 0.1
	done
}

# Is something listening on TCP port $1?  Reads /proc/net/tcp with shell
# builtins only: each process started in a 1-CPU emulated node delays the
# perftest server it is waiting for.
listening() {
	local want f sl addr rem st rest
	printf -v want ':%04X' "$1"
	for f in /proc/net/tcp /proc/net/tcp6; do
		[ -r $f ] || continue
		while read -r sl addr rem st rest; do
			[[ $addr == *"$want" && $st == 0A ]] && return 0
		done <$f
	done
	return 1
}

# Wait until something listens on TCP port $1 (perftest's handshake port).
wait_listen() {
	local n=100
	until listening "$1"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.2
	done
}

# One perftest exchange.  Both sides call it with the same arguments;
# step number $1 gives it a port and its own rendezvous file.
#   perftest_step STEP KIND(lat|bw) PROGRAM SIZE ITERS
perftest_step() {
	local step=$1 kind=$2 prog=$3 size=$4 iters=$5
	local port=$((18515 + step))
	local args=(-d "$dev" -F -s "$size" -n "$iters" -p "$port")
	# iWARP connects through the RDMA CM only: perftest's -R
	[ "${RSM_TRANSPORT:-rxe}" = siw ] && args+=(-R)

	if [ "$node" = 1 ]; then
		timeout $step_timeout "$prog" "${args[@]}" >/tmp/pt-srv-$step.log 2>&1 &
		local srv=$!
		wait_listen "$port" || echo "bench: $prog server did not listen" >&2
		touch "$share/pt-ready-$step"
		wait $srv
		return 0
	fi

	wait_file "pt-ready-$step" $step_timeout || return 1
	local out
	out=$(timeout $step_timeout "$prog" "${args[@]}" "$server_ip" 2>&1)
	# The result row is the first line after the "#bytes" header whose
	# first field is the size.
	local row
	row=$(printf '%s\n' "$out" | awk -v s="$size" \
		'/#bytes/ {h = 1; next} h && $1 == s {print; exit}')
	if [ -z "$row" ]; then
		echo "bench: $prog -s $size gave no result:" >&2
		printf '%s\n' "$out" | tail -5 >&2
		return 1
	fi
	local op=${prog#ib_}
	op=${op%%_*}
	# Columns (perftest 4.5): latency tests "#bytes #iterations t_min
	# t_max t_typical t_avg ..."; bandwidth tests "#bytes #iterations
	# BW-peak BW-average MsgRate", in MB/s.
	if [ "$kind" = lat ]; then
		printf '%s\n' "$row" | awk -v op="$op" '{print "pt lat", op, $1, $5, $6}'
	else
		printf '%s\n' "$row" | awk -v op="$op" '{print "pt bw", op, $1, $4}'
	fi
}

# Transfers of $1 bytes that move $bw_bytes, at least 5 (perftest's
# minimum); rsmbench -B uses the same rule.
bw_iters_for() {
	local n=$((bw_bytes / $1))
	[ $n -ge 5 ] || n=5
	echo $n
}
