#!/usr/bin/env bash
# A one-node Slurm on this machine, to try and test `dlema cluster slurm` end to end: installs Debian's slurm-wlm
# (with munge) when it is missing, writes a minimal slurm.conf for this host, and starts munged, slurmctld and
# slurmd. Needs root (or sudo). `cluster/slurm-local.sh stop` stops the daemons again.
set -euo pipefail

conf_dir=/etc/slurm
spool=/var/spool/dlema-slurm

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

stop() {
  for daemon in slurmd slurmctld; do
    as_root pkill -x "$daemon" 2>/dev/null || true
  done
}

if [ "${1:-start}" = stop ]; then
  stop
  echo "slurm-local: stopped slurmd and slurmctld"
  exit 0
fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "slurm-local: installing slurm-wlm and munge (apt-get)..." >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends slurm-wlm munge >&2
fi

host="$(hostname -s)"
cpus="$(nproc)"
memory_mb="$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)"

as_root mkdir -p "$conf_dir" "$spool/ctld" "$spool/d" /run/munge
as_root tee "$conf_dir/slurm.conf" >/dev/null <<CONF
# Written by dlema's cluster/slurm-local.sh: one node, no accounting, no cgroups.
ClusterName=dlema-local
SlurmctldHost=$host
AuthType=auth/munge
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
StateSaveLocation=$spool/ctld
SlurmdSpoolDir=$spool/d
SlurmctldPidFile=$spool/slurmctld.pid
SlurmdPidFile=$spool/slurmd.pid
SlurmctldLogFile=$spool/slurmctld.log
SlurmdLogFile=$spool/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

if ! pgrep -x munged >/dev/null; then
  as_root chown -R munge:munge /run/munge /etc/munge 2>/dev/null || true
  as_root runuser -u munge -- /usr/sbin/munged 2>/dev/null || as_root /usr/sbin/munged --force
fi
stop
as_root /usr/sbin/slurmctld
as_root /usr/sbin/slurmd

for _ in $(seq 1 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
    echo "slurm-local: node $host up ($cpus CPUs, $memory_mb MB) in partition 'local'"
    exit 0
  fi
  sleep 1
done
echo "slurm-local: the node did not come up; see $spool/slurmctld.log and $spool/slurmd.log" >&2
exit 1
