# Sourced by .ci/test: apt-get that waits for another package manager instead of failing at once.
APT_WAIT=${TRACKER_APT_WAIT:-300} # seconds to wait for another apt/dpkg to finish
APT_POLL=${TRACKER_APT_POLL:-5}

# Runs an apt-get command; while another package manager holds its lock, says who and waits.
apt_wait() {
  local deadline=$((SECONDS + APT_WAIT)) out holder last="-"
  while :; do
    if out=$("$@" -o DPkg::Lock::Timeout=10 2>&1); then
      return 0
    fi
    if ! grep -qiE "could not get lock|unable to acquire|unable to lock" <<<"$out"; then
      echo "$out" | tail -n 5 >&2
      return 1
    fi
    holder=$(grep -oE "held by process [0-9]+( \([^)]*\))?" <<<"$out" | head -n 1)
    if [ $SECONDS -ge "$deadline" ]; then
      echo "Gave up after ${APT_WAIT}s: another package manager still holds the lock (${holder:-holder unknown})." >&2
      echo "Wait for it to finish (or set TRACKER_APT_WAIT=SECONDS to wait longer) and run this again." >&2
      return 1
    fi
    if [ "$holder" != "$last" ]; then
      echo "Another package manager is busy (${holder:-lock held}); waiting up to ${APT_WAIT}s for it to finish..."
      last=$holder
    fi
    sleep "$APT_POLL"
  done
}
