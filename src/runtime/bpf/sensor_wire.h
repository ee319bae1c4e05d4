/* The record the kernel programs (sensor.bpf.c) write to the ring buffer and decode_event() reads.
 * Shared by C (BPF, built against vmlinux.h) and C++ (built against <linux/types.h>), so it uses
 * only the __u* types both provide. Any change bumps MOAT_WIRE_VERSION: user space refuses a
 * record of another version instead of misreading it. */
#ifndef MOAT_RUNTIME_BPF_SENSOR_WIRE_H
#define MOAT_RUNTIME_BPF_SENSOR_WIRE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define MOAT_WIRE_VERSION 2

/* Bounds of the variable part. A string slot holds at most MOAT_STR_MAX bytes (a path, the
 * NUL-separated argv or environment, a raw sockaddr); a record has at most MOAT_SLOTS slots and
 * MOAT_RECORD_MAX bytes in all (an exec's environment gets what its other slots leave). */
#define MOAT_STR_MAX 4096
#define MOAT_SLOTS 4
#define MOAT_RECORD_MAX 16384
#define MOAT_SOCKADDR_MAX 128
/* Read-open prefixes the kernel lets through (writes and creates always pass). */
#define MOAT_PREFIXES 16
#define MOAT_PREFIX_LEN 64

/* Record kinds; the numbers are the wire's, user space maps them onto runtime::EventType. */
enum moat_wire_kind {
  MW_EXEC = 1, MW_FORK, MW_EXIT, MW_OPEN, MW_UNLINK, MW_RENAME, MW_CHMOD, MW_CHOWN,
  MW_CONNECT, MW_ACCEPT, MW_BIND, MW_LISTEN, MW_SETUID, MW_SETGID, MW_CAPSET, MW_PTRACE,
  MW_MOUNT, MW_UMOUNT, MW_INIT_MODULE, MW_MEMFD_CREATE, MW_UNSHARE, MW_SETNS, MW_BPF,
  MW_SYMLINK, MW_LINK, MW_MKDIR, MW_SOCKET, MW_DUP,
  MW_KIND_COUNT /* size of the per-kind drop counters */
};

/* Bits of moat_wire_hdr.bits. */
#define MW_BIT_MEMFD 0x1          /* exec: the executable is a memfd */
#define MW_BIT_UPPER 0x2          /* exec: the executable has an overlayfs upper-layer copy */
#define MW_BIT_TTY 0x4            /* the process has a controlling terminal */
#define MW_BIT_ARGV_TRUNC 0x8     /* exec: argv was longer than MOAT_STR_MAX */
#define MW_BIT_SOCK 0x10          /* saddr/daddr/ports below were read from the socket */
#define MW_BIT_SLOT0_RAW 0x20     /* slot 0 is a raw sockaddr, not a string */
#define MW_BIT_ENV_TRUNC 0x40     /* exec: the environment did not fit its slot */

/* Event groups, options of the sensor and bits of the config map. */
#define MW_GROUP_PROCESS 0x1      /* exec, fork, exit */
#define MW_GROUP_FILE 0x2         /* open, unlink, rename, chmod, chown, symlink, link, mkdir */
#define MW_GROUP_NETWORK 0x4      /* connect, accept, bind, listen, socket, dup of a socket */
#define MW_GROUP_PRIVILEGE 0x8    /* setuid/gid, capset, ptrace, mount, modules, memfd, unshare, setns, bpf */

struct moat_wire_hdr {
  __u16 version;
  __u8 kind;             /* enum moat_wire_kind */
  __u8 l4proto;
  __u16 len[MOAT_SLOTS]; /* bytes in each slot, in order, right after this header */
  __u16 family;
  __u64 ts_boot_ns;      /* bpf_ktime_get_boot_ns */
  __s64 ret;
  __s32 pid, tid, ppid, vpid;
  __u32 uid, gid, euid, egid, loginuid;
  __u32 pid_ns;
  __u64 cgroup_id;
  __u64 flags;
  __u32 mode, arg_uid, arg_gid;
  __s32 arg_pid;
  __u32 bits;
  __u16 sport, dport;    /* host byte order */
  __u8 saddr[16], daddr[16];
  char comm[16];
  __u64 cap_effective, cap_permitted, cap_inheritable;
};

/* Kernel-side settings, one entry of an array map written before attaching. */
struct moat_wire_config {
  __u32 ignore_tgid;     /* the agent itself: its own activity never feeds back */
  __u32 groups;          /* MW_GROUP_* */
  __u32 all_opens;       /* 1: every successful open; 0: writes/creates + reads under a prefix */
  __u32 nprefixes;
  __u32 wakeup_bytes;    /* wake the reader once this much is waiting in the ring buffer */
  __u8 prefix_len[MOAT_PREFIXES];
  char prefix[MOAT_PREFIXES][MOAT_PREFIX_LEN];
};

#endif
