#!/usr/bin/env bash
# bench/run.sh: load-test qalam's cached story page against nginx serving a
# byte-identical static copy, then measure cold start and memory.
#
#   bash bench/run.sh          # about 1-2 minutes
#
# All traffic goes to 127.0.0.1. Every process the script starts (qalam,
# nginx, wrk, the watchdog) is stopped on exit, and its temp dir is removed
# (set BENCH_KEEP=1 to keep it, with the raw wrk output and server logs).
#
# Exit status: 0 when the measurements were taken, even if a target is
# missed (it prints MISS); non-zero when something broke (build failed, a
# server did not start, the bodies differ, non-2xx answers under load).
#
# Knobs (environment): BENCH_DURATION (10s), BENCH_WARMUP (2s),
# BENCH_CONNS (64), BENCH_THREADS (2), BENCH_COLD_RUNS (3),
# BENCH_TIMEOUT (900, seconds for the whole run).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
CONNS=${BENCH_CONNS:-64}
THREADS=${BENCH_THREADS:-2}
COLD_RUNS=${BENCH_COLD_RUNS:-3}
TIMEOUT=${BENCH_TIMEOUT:-900}

# Targets.
MIN_RATIO=0.6    # qalam req/s >= 0.6 x nginx req/s
MAX_P99_MS=20    # qalam p99 at $CONNS connections
MAX_COLD_MS=1000 # process start to first 200 on the story page
MAX_RSS_MB=100   # VmRSS right after the load runs

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: FAILED: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- tools

NGINX_BIN=$(command -v nginx || true)
[[ -z $NGINX_BIN && -x /usr/sbin/nginx ]] && NGINX_BIN=/usr/sbin/nginx
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ -n $NGINX_BIN ]] || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
command -v jq >/dev/null || missing+=(jq)
command -v cmp >/dev/null || missing+=(diffutils)
command -v gzip >/dev/null || missing+=(gzip)
if ((${#missing[@]})); then
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
		log "installing ${missing[*]} with apt-get"
		export DEBIAN_FRONTEND=noninteractive
		timeout 300 apt-get update -q >&2 || die "apt-get update failed"
		timeout 600 apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
			die "apt-get install ${missing[*]} failed"
		NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)
	else
		die "missing ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"
	fi
fi
command -v go >/dev/null || die "go is not on PATH"

# ---------------------------------------------------------------- cleanup

TMP=$(mktemp -d "${TMPDIR:-/tmp}/qalam-bench.XXXXXX")
QPID=""
NGPID=""
WATCHDOG=""

stop_pid() { # pid [signal]: signal, wait up to 15 s, then KILL
	local pid=$1 sig=${2:-TERM} i
	[[ -n $pid ]] || return 0
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
	kill "-$sig" "$pid" 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_pid "$QPID"
	stop_pid "$NGPID" QUIT
	[[ -n $WATCHDOG ]] && kill "$WATCHDOG" 2>/dev/null && wait "$WATCHDOG" 2>/dev/null
	if [[ ${BENCH_KEEP:-0} == 1 ]]; then
		log "kept $TMP"
	else
		rm -rf "$TMP"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "stopped (timeout after ${TIMEOUT}s or TERM)"; exit 124' TERM

# Bound the whole run: the watchdog TERMs this shell, whose trap cleans up.
# Its own TERM trap stops its sleep, so nothing is left behind.
(
	trap 'kill "$sp" 2>/dev/null; exit 0' TERM
	sleep "$TIMEOUT" &
	sp=$!
	wait "$sp" && kill -TERM $$
) 2>/dev/null &
WATCHDOG=$!

# ---------------------------------------------------------------- helpers

free_port() { # a loopback port nothing listens on
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + RANDOM % 40000))
		[[ $p == "${QPORT:-}" ]] && continue
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

now_ns() { date +%s%N; }

start_qalam() { # starts qalam in the background, sets QPID
	"$TMP/qalam" serve --addr "127.0.0.1:$QPORT" --data "$TMP/data" --demo --access-log=false \
		>>"$TMP/qalam.log" 2>&1 &
	QPID=$!
}

stop_qalam() {
	stop_pid "$QPID"
	QPID=""
}

wait_healthz() { # bounded: 60 s (the first start seeds the demo newsroom)
	local i code
	for ((i = 0; i < 600; i++)); do
		kill -0 "$QPID" 2>/dev/null || { tail -n 20 "$TMP/qalam.log" >&2; die "qalam exited during start"; }
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$QPORT/healthz" || true)
		[[ $code == 200 ]] && return 0
		sleep 0.1
	done
	tail -n 20 "$TMP/qalam.log" >&2
	die "qalam /healthz did not answer 200 within 60 s"
}

to_ms() { # wrk duration (850.00us, 1.23ms, 2.00s, 1.00m) -> milliseconds
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.2f", n }'
}

# run_wrk NAME URL [header]: one measured run; sets RPS[NAME], P50[NAME], P99[NAME]
declare -A RPS P50 P99
run_wrk() {
	local name=$1 url=$2 hdr=${3:-} out="$TMP/wrk-$1.txt" args=()
	[[ -n $hdr ]] && args=(-H "$hdr")
	log "warm-up $WARMUP: $name"
	timeout 60 wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "${args[@]}" "$url" >/dev/null ||
		die "wrk warm-up against $name failed"
	log "measuring $DURATION: $name"
	timeout 120 wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 5s --latency "${args[@]}" "$url" >"$out" ||
		{ cat "$out" >&2; die "wrk against $name failed"; }
	if grep -q 'Non-2xx or 3xx responses' "$out"; then
		cat "$out" >&2
		die "$name answered non-2xx responses under load"
	fi
	if grep -q 'Socket errors' "$out"; then
		log "note: $name: $(grep 'Socket errors' "$out" | sed 's/^ *//')"
	fi
	RPS[$name]=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")
	P50[$name]=$(to_ms "$(awk '$1 == "50%" {print $2; exit}' "$out")")
	P99[$name]=$(to_ms "$(awk '$1 == "99%" {print $2; exit}' "$out")")
	[[ -n ${RPS[$name]} && ${RPS[$name]} != 0 ]] || { cat "$out" >&2; die "could not parse wrk output for $name"; }
}

# ---------------------------------------------------------------- 1. qalam

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average before the run: $LOAD_BEFORE (other work on the machine skews the figures)"
log "building qalam"
(cd "$ROOT" && timeout 600 go build -o "$TMP/qalam" ./cmd/qalam) || die "go build ./cmd/qalam failed"

QPORT=$(free_port) || die "no free port for qalam"
log "starting qalam on 127.0.0.1:$QPORT (seeding the demo newsroom)"
start_qalam
wait_healthz

STORY_URL=$(curl -sf --max-time 10 "http://127.0.0.1:$QPORT/api/v1/stories?service=kk&limit=1" |
	jq -r '.stories[0].url // empty') || die "stories API failed"
[[ -n $STORY_URL ]] || die "the API listed no Kazakh story"
STORY_PATH="/${STORY_URL#*://*/}"
[[ $STORY_URL == "http://127.0.0.1:$QPORT/"* ]] || die "unexpected story URL $STORY_URL"
QURL="http://127.0.0.1:$QPORT$STORY_PATH"
log "Kazakh lead story: $QURL"

# ---------------------------------------------------------------- 2. nginx copy

mkdir -p "$TMP/www" "$TMP/nginx"
if [[ $STORY_PATH == */ ]]; then
	FILE="$TMP/www${STORY_PATH}index.html"
else
	FILE="$TMP/www$STORY_PATH"
fi
mkdir -p "$(dirname "$FILE")"
code=$(curl -s --max-time 10 -o "$FILE" -w '%{http_code}' "$QURL") || die "fetching the story page failed"
[[ $code == 200 ]] || die "story page answered $code"
[[ -s $FILE ]] || die "story page body is empty"
# nginx workers run as an unprivileged user when started as root.
chmod 755 "$TMP"
find "$TMP/www" -type d -exec chmod 755 {} +
chmod 644 "$FILE"

NGPORT=$(free_port) || die "no free port for nginx"
cat >"$TMP/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	client_body_temp_path $TMP/nginx/body;
	proxy_temp_path $TMP/nginx/proxy;
	fastcgi_temp_path $TMP/nginx/fastcgi;
	uwsgi_temp_path $TMP/nginx/uwsgi;
	scgi_temp_path $TMP/nginx/scgi;
	types { }
	default_type text/html;
	charset utf-8;
	gzip on;
	gzip_comp_level 5;
	gzip_min_length 256; # gzip always covers text/html; no gzip_types needed
	gzip_vary on;
	server {
		listen 127.0.0.1:$NGPORT;
		root $TMP/www;
		index index.html;
	}
}
EOF
"$NGINX_BIN" -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -t >"$TMP/nginx/test.log" 2>&1 ||
	{ cat "$TMP/nginx/test.log" >&2; die "nginx config test failed"; }
"$NGINX_BIN" -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" >>"$TMP/nginx/stdout.log" 2>&1 &
NGPID=$!
NURL="http://127.0.0.1:$NGPORT$STORY_PATH"
for ((i = 0; i < 100; i++)); do
	kill -0 "$NGPID" 2>/dev/null || { cat "$TMP/nginx/error.log" >&2 || true; die "nginx exited"; }
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$NURL" || true)
	[[ $code == 200 ]] && break
	sleep 0.1
done
[[ $code == 200 ]] || { cat "$TMP/nginx/error.log" >&2 || true; die "nginx did not serve $NURL (last status $code)"; }
log "nginx on 127.0.0.1:$NGPORT serving the copy"

# Bodies must be byte-identical, plain and gzip-decoded, and qalam's stable.
curl -s --max-time 10 -o "$TMP/body-nginx" "$NURL" || die "fetching from nginx failed"
curl -s --max-time 10 -o "$TMP/body-qalam" "$QURL" || die "fetching from qalam failed"
cmp "$FILE" "$TMP/body-nginx" || die "nginx body differs from qalam's"
cmp "$FILE" "$TMP/body-qalam" || die "qalam's story page changed between two fetches"
for s in qalam nginx; do
	u=$QURL; [[ $s == nginx ]] && u=$NURL
	curl -s --max-time 10 -H 'Accept-Encoding: gzip' -D "$TMP/hdr-$s-gz" -o "$TMP/body-$s.gz" "$u" ||
		die "gzip fetch from $s failed"
	grep -qi '^content-encoding: *gzip' "$TMP/hdr-$s-gz" || die "$s did not gzip the page"
	gzip -dc "$TMP/body-$s.gz" | cmp - "$FILE" || die "$s gzip body does not decode to the page"
done
BODY_BYTES=$(wc -c <"$FILE")
QGZ_BYTES=$(wc -c <"$TMP/body-qalam.gz")
NGZ_BYTES=$(wc -c <"$TMP/body-nginx.gz")
log "bodies identical: $BODY_BYTES bytes plain; gzip qalam $QGZ_BYTES, nginx $NGZ_BYTES"

# ---------------------------------------------------------------- 3. load

run_wrk qalam-identity "$QURL"
run_wrk nginx-identity "$NURL"
run_wrk qalam-gzip "$QURL" 'Accept-Encoding: gzip'
run_wrk nginx-gzip "$NURL" 'Accept-Encoding: gzip'

# ---------------------------------------------------------------- 5. RSS

RSS_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$QPID/status") || die "could not read qalam's RSS"
RSS_MB=$(awk -v k="$RSS_KB" 'BEGIN {printf "%.1f", k / 1024}')
log "qalam RSS after load: $RSS_MB MB"

stop_pid "$NGPID" QUIT
NGPID=""

# ---------------------------------------------------------------- 4. cold start

COLD=()
for ((run = 1; run <= COLD_RUNS; run++)); do
	stop_qalam
	t0=$(now_ns)
	start_qalam
	ok=""
	while (($(now_ns) - t0 < 30000000000)); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$QURL" || true)
		if [[ $code == 200 ]]; then
			ok=1
			break
		fi
		kill -0 "$QPID" 2>/dev/null || { tail -n 20 "$TMP/qalam.log" >&2; die "qalam exited during restart"; }
	done
	t1=$(now_ns)
	[[ -n $ok ]] || die "qalam restart: no 200 on the story page within 30 s"
	COLD+=($(((t1 - t0) / 1000000)))
	log "cold start $run: ${COLD[-1]} ms"
done
COLD_MS=$(printf '%s\n' "${COLD[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
stop_qalam

# ---------------------------------------------------------------- 6. report

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a < b)}'; }
verdict() { if "$@"; then echo PASS; else echo MISS; fi; }

R_ID=$(ratio "${RPS[qalam-identity]}" "${RPS[nginx-identity]}")
R_GZ=$(ratio "${RPS[qalam-gzip]}" "${RPS[nginx-gzip]}")
# Targets are judged on the exact ratio, not the rounded one shown.
ratio_ok() { awk -v a="${RPS[qalam-$1]}" -v b="${RPS[nginx-$1]}" -v m="$MIN_RATIO" 'BEGIN {exit !(a >= m * b)}'; }
P99_MAX=$(awk -v a="${P99[qalam-identity]}" -v b="${P99[qalam-gzip]}" 'BEGIN {print (a > b ? a : b)}')

echo
echo "qalam vs nginx: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), wrk -t$THREADS -c$CONNS -d$DURATION"
echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "page: $STORY_PATH ($BODY_BYTES bytes; gzip: qalam $QGZ_BYTES, nginx $NGZ_BYTES)"
echo
echo "| server | encoding | requests/s | p50 ms | p99 ms | qalam/nginx |"
echo "|---|---|---:|---:|---:|---:|"
for enc in identity gzip; do
	r=$R_ID; [[ $enc == gzip ]] && r=$R_GZ
	for s in qalam nginx; do
		k=$s-$enc
		c=""; [[ $s == qalam ]] && c="$r"
		echo "| $s | $enc | ${RPS[$k]} | ${P50[$k]} | ${P99[$k]} | $c |"
	done
done
echo
echo "| measure | value |"
echo "|---|---:|"
echo "| cold start, median of $COLD_RUNS (ms) | $COLD_MS (runs: ${COLD[*]}) |"
echo "| qalam RSS after load (MB) | $RSS_MB |"
echo
echo "| target | measured | result |"
echo "|---|---|---|"
echo "| requests/s >= $MIN_RATIO x nginx, identity | ${R_ID}x | $(verdict ratio_ok identity) |"
echo "| requests/s >= $MIN_RATIO x nginx, gzip | ${R_GZ}x | $(verdict ratio_ok gzip) |"
echo "| qalam p99 < $MAX_P99_MS ms at $CONNS connections | $P99_MAX ms (worse of both) | $(verdict lt "$P99_MAX" "$MAX_P99_MS") |"
echo "| cold start < $MAX_COLD_MS ms | $COLD_MS ms | $(verdict lt "$COLD_MS" "$MAX_COLD_MS") |"
echo "| RSS < $MAX_RSS_MB MB | $RSS_MB MB | $(verdict lt "$RSS_MB" "$MAX_RSS_MB") |"
