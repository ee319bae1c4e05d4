// SPDX-License-Identifier: GPL-2.0
/* moat's kernel sensor: process life (sched tracepoints) and the security-relevant syscalls
 * (per-syscall tracepoints), written as struct moat_wire_hdr records + string slots to one ring
 * buffer. Every record that does not fit is counted per kind in `drops`: never a silent loss. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "sensor_syscalls.h"
#include "sensor_wire.h"

char LICENSE[] SEC("license") = "GPL"; /* bpf_probe_read_* and ringbuf helpers are GPL-only */

/* Records are built in a per-CPU scratch buffer and copied out with bpf_ringbuf_output, since
 * bpf_ringbuf_reserve wants a constant size and records are variable. Offsets into it are kept
 * under OFF_MASK so the verifier can bound every write: a slot starts before OFF_MASK and is at
 * most SLOT_MASK long. */
#define OFF_MASK (MOAT_RECORD_MAX - 1)
#define SLOT_MASK 0x1fff
#define SCRATCH_SIZE (OFF_MASK + 1 + SLOT_MASK + 1)

/* Paths are assembled backwards from PATH_END in their own buffer, one dentry at a time. */
#define PATH_END (MOAT_STR_MAX - 1)
#define PATH_BUF_SIZE (2 * MOAT_STR_MAX)
#define PATH_DEPTH 40
#define NAME_MASK 0xff /* NAME_MAX is 255 */

#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_TRUNC 01000
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define OVERLAYFS_SUPER_MAGIC 0x794c7630

struct scratch {
  char buf[SCRATCH_SIZE];
};
struct pathbuf {
  char b[PATH_BUF_SIZE];
};
/* A syscall's number and arguments, and for connect/bind the address copied at its enter. */
struct stash {
  __u64 args[6];
  __s32 nr;
  __u32 sa_len;
  __u8 sa[MOAT_SOCKADDR_MAX];
};

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 8 << 20); /* user space sets the real size before load */
} events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, MW_KIND_COUNT);
  __type(key, __u32);
  __type(value, __u64);
} drops SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct moat_wire_config);
} config_map SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct scratch);
} scratch_map SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct pathbuf);
} path_map SEC(".maps");

/* Each thread's own storage, not a map keyed by thread id: no lock and no LRU list on the path of
 * every watched syscall, and a thread that dies inside a call takes its entry with it. */
struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct stash);
} stash_map SEC(".maps");

#define NO_STASH (-1) /* stash.nr of a thread with no syscall in flight */

static __always_inline struct moat_wire_config *get_config(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&config_map, &zero);
}

/* True when this task's events are to be dropped on purpose (the agent itself). */
static __always_inline int ignored(struct moat_wire_config *cfg) {
  return !cfg || (__u32)(bpf_get_current_pid_tgid() >> 32) == cfg->ignore_tgid;
}

static __always_inline void count_drop(__u32 kind) {
  __u64 *n = bpf_map_lookup_elem(&drops, &kind);
  if (n) *n += 1;
}

static __always_inline struct moat_wire_hdr *scratch_record(void) {
  __u32 zero = 0;
  struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
  return s ? (struct moat_wire_hdr *)s->buf : 0;
}

/* Fills the header of the record in scratch with the current task's identity; the slots after it
 * are left alone. */
static __always_inline void fill_header(struct moat_wire_hdr *h, __u8 kind) {
  __builtin_memset(h, 0, sizeof(*h));
  h->version = MOAT_WIRE_VERSION;
  h->kind = kind;
  h->ts_boot_ns = bpf_ktime_get_boot_ns();
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  h->pid = pid_tgid >> 32;
  h->tid = (__u32)pid_tgid;
  __u64 ugid = bpf_get_current_uid_gid();
  h->uid = (__u32)ugid;
  h->gid = ugid >> 32;
  h->cgroup_id = bpf_get_current_cgroup_id();
  h->arg_uid = 0xffffffff;
  h->arg_gid = 0xffffffff;
  bpf_get_current_comm(h->comm, sizeof(h->comm));

  /* A BTF pointer: its fields are plain loads, not one helper call each, on every event. */
  struct task_struct *task = bpf_get_current_task_btf();
  const struct cred *cred = task->cred;
  h->euid = cred->euid.val;
  h->egid = cred->egid.val;
  /* kernel_cap_t is one u64 since 6.3 and two u32 before: 8 bytes either way, and struct cred
   * has kept the three sets side by side (inheritable, permitted, effective), read at once. */
  __u64 caps[3];
  bpf_core_read(caps, sizeof(caps), &cred->cap_inheritable);
  h->cap_inheritable = caps[0];
  h->cap_permitted = caps[1];
  h->cap_effective = caps[2];
  h->loginuid = task->loginuid.val;
  h->ppid = task->real_parent->tgid;
  if (task->signal->tty) h->bits |= MW_BIT_TTY;

  /* The pid namespace the task lives in is the one at its pid's deepest level. */
  struct pid *pid = task->group_leader->thread_pid;
  unsigned int level = pid->level;
  struct upid up = {};
  bpf_core_read(&up, sizeof(up), &pid->numbers[level & 31]);
  h->vpid = up.nr;
  h->pid_ns = BPF_CORE_READ(up.ns, ns.inum);
}

static __always_inline struct moat_wire_hdr *begin(__u8 kind) {
  struct moat_wire_hdr *h = scratch_record();
  if (h) fill_header(h, kind);
  return h;
}

/* Waking the reader for every record costs more than the record (an irq_work and a wakeup per
 * open in a flood), so the reader is only woken once wakeup_bytes are waiting; otherwise it finds
 * the records when its poll times out, which bounds the latency. */
static __always_inline void emit(struct moat_wire_hdr *h, __u32 end) {
  __u32 kind = h->kind;
  __u64 flags = BPF_RB_NO_WAKEUP;
  struct moat_wire_config *cfg = get_config();
  if (!cfg || bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= cfg->wakeup_bytes) flags = BPF_RB_FORCE_WAKEUP;
  if (bpf_ringbuf_output(&events, h, end & OFF_MASK, flags) != 0) count_drop(kind);
}

/* Appends a user-space string as slot `slot`; returns the new end. A failed read is an empty slot. */
static __always_inline __u32 put_user_str(struct moat_wire_hdr *h, __u32 end, int slot, const void *src) {
  end &= OFF_MASK;
  long n = src ? bpf_probe_read_user_str((char *)h + end, MOAT_STR_MAX, src) : 0;
  if (n < 0) n = 0;
  n &= SLOT_MASK;
  if (slot >= 0 && slot < MOAT_SLOTS) h->len[slot] = n;
  return (end + n) & OFF_MASK;
}

/* One step of a path walk: the state bpf_loop hands to walk_step. */
struct walk {
  struct dentry *d;
  struct mount *m;
  struct pathbuf *pb;
  __u32 pos; /* first byte of the path written so far; the path ends with the NUL at PATH_END */
};

/* Prepends the name of w->d and moves to its parent, crossing mount points; 1 stops the loop.
 * Run through bpf_loop so the verifier checks it once instead of once per unrolled level. */
static long walk_step(__u64 index, struct walk *w) {
  struct pathbuf *pb = w->pb;
  if (!pb) return 1;
  struct dentry *d = w->d;
  struct mount *m = w->m;
  struct dentry *mnt_root = BPF_CORE_READ(m, mnt.mnt_root);
  struct dentry *parent = BPF_CORE_READ(d, d_parent);
  if (d == mnt_root) {
    struct mount *mp = BPF_CORE_READ(m, mnt_parent);
    if (mp == m) return 1; /* the root of the namespace (or of a detached fs) */
    w->d = BPF_CORE_READ(m, mnt_mountpoint);
    w->m = mp;
    return 0;
  }
  struct qstr name = BPF_CORE_READ(d, d_name);
  __u32 len = name.len & NAME_MASK;
  __u32 pos = w->pos & (MOAT_STR_MAX - 1);
  if (len + 1 > pos) return 1;
  pos = (pos - len - 1) & (MOAT_STR_MAX - 1);
  bpf_probe_read_kernel(&pb->b[pos + 1], len, name.name);
  pb->b[pos] = '/';
  w->pos = pos;
  w->d = parent;
  /* its own parent but no mount's root: a pseudo file (memfd, pipe) whose name is all there is */
  return d == parent;
}

/* Writes the path of `p` (as seen from its mount namespace's root) into pb; returns the offset of
 * its first byte, the path ending with the NUL at PATH_END. Deeper paths keep their last
 * PATH_DEPTH components. */
static __always_inline __u32 walk_path(const struct path *p, struct pathbuf *pb) {
  struct walk w = {};
  w.pb = pb;
  w.pos = PATH_END;
  pb->b[PATH_END] = 0;
  w.d = BPF_CORE_READ(p, dentry);
  w.m = container_of(BPF_CORE_READ(p, mnt), struct mount, mnt);
  bpf_loop(PATH_DEPTH, walk_step, &w, 0);
  __u32 pos = w.pos & (MOAT_STR_MAX - 1);
  if (pos == PATH_END) {
    pos = PATH_END - 1;
    pb->b[pos] = '/';
  }
  return pos;
}

static __always_inline struct pathbuf *get_pathbuf(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&path_map, &zero);
}

/* Appends the path of a kernel struct path as slot `slot`. */
static __always_inline __u32 put_kpath(struct moat_wire_hdr *h, __u32 end, int slot, const struct path *p) {
  end &= OFF_MASK;
  struct pathbuf *pb = get_pathbuf();
  if (!pb) return end;
  __u32 pos = walk_path(p, pb) & (MOAT_STR_MAX - 1);
  __u32 n = (MOAT_STR_MAX - pos) & SLOT_MASK;
  bpf_probe_read_kernel((char *)h + end, n, &pb->b[pos]);
  if (slot >= 0 && slot < MOAT_SLOTS) h->len[slot] = n;
  return (end + n) & OFF_MASK;
}

/* The struct file behind descriptor fd of the current task, or NULL. */
static __always_inline struct file *fd_file(long fd) {
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
  if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds)) return 0;
  struct file **fds = BPF_CORE_READ(fdt, fd);
  struct file *f = 0;
  bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
  return f;
}

static __always_inline __u32 put_fd_path(struct moat_wire_hdr *h, __u32 end, int slot, long fd) {
  struct file *f = fd_file(fd);
  if (!f) return end;
  return put_kpath(h, end, slot, &f->f_path);
}

static __always_inline int is_socket(struct file *f) {
  return f && (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) == S_IFSOCK;
}

/* Fills the socket fields (local = s*, remote = d*) from a socket descriptor. */
static __always_inline void put_sock(struct moat_wire_hdr *h, long fd) {
  struct file *f = fd_file(fd);
  if (!is_socket(f)) return;
  struct socket *sock = BPF_CORE_READ(f, private_data);
  struct sock *sk = BPF_CORE_READ(sock, sk);
  if (!sk) return;
  __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
  h->family = family;
  h->l4proto = BPF_CORE_READ(sk, sk_protocol);
  if (family == AF_INET) {
    bpf_core_read(h->saddr, 4, &sk->__sk_common.skc_rcv_saddr);
    bpf_core_read(h->daddr, 4, &sk->__sk_common.skc_daddr);
  } else if (family == AF_INET6) {
    bpf_core_read(h->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
    bpf_core_read(h->daddr, 16, &sk->__sk_common.skc_v6_daddr);
  } else {
    return;
  }
  h->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
  h->dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
  h->bits |= MW_BIT_SOCK;
}

/* ---- process life ---- */

SEC("tracepoint/sched/sched_process_exec")
int on_exec(void *ctx) {
  struct moat_wire_config *cfg = get_config();
  if (ignored(cfg)) return 0;
  struct moat_wire_hdr *h = begin(MW_EXEC);
  if (!h) return 0;
  __u32 end = sizeof(*h);
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  struct file *exe = BPF_CORE_READ(task, mm, exe_file);

  /* slot 0: the executable */
  if (exe) {
    end = put_kpath(h, end, 0, &exe->f_path);
    struct dentry *d = BPF_CORE_READ(exe, f_path.dentry);
    char name[6] = {};
    bpf_probe_read_kernel(name, sizeof(name), BPF_CORE_READ(d, d_name.name));
    if (name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' && name[5] == ':')
      h->bits |= MW_BIT_MEMFD;
    /* overlayfs: the inode is the vfs_inode inside struct ovl_inode, whose __upperdentry is set
     * once the file has a copy in the upper (container-writable) layer. */
    struct inode *inode = BPF_CORE_READ(d, d_inode);
    if (BPF_CORE_READ(inode, i_sb, s_magic) == OVERLAYFS_SUPER_MAGIC &&
        bpf_core_type_exists(struct ovl_inode)) {
      struct ovl_inode *oi = (void *)inode - bpf_core_field_offset(struct ovl_inode, vfs_inode);
      if (BPF_CORE_READ(oi, __upperdentry)) h->bits |= MW_BIT_UPPER;
    }
  } else {
    h->len[0] = 0;
  }

  /* slot 1: argv, NUL-separated, as the new image sees it */
  unsigned long arg_start = BPF_CORE_READ(task, mm, arg_start);
  unsigned long arg_end = BPF_CORE_READ(task, mm, arg_end);
  unsigned long n = arg_end > arg_start ? arg_end - arg_start : 0;
  if (n > MOAT_STR_MAX) {
    n = MOAT_STR_MAX;
    h->bits |= MW_BIT_ARGV_TRUNC;
  }
  end &= OFF_MASK;
  n &= SLOT_MASK;
  if (bpf_probe_read_user((char *)h + end, n, (void *)arg_start) != 0) n = 0;
  h->len[1] = n;
  end = (end + n) & OFF_MASK;

  /* slot 2: cwd */
  struct fs_struct *fs = BPF_CORE_READ(task, fs);
  if (fs) end = put_kpath(h, end, 2, &fs->pwd);

  /* slot 3: the environment, NUL-separated, in what room the record has left */
  unsigned long env_start = BPF_CORE_READ(task, mm, env_start);
  unsigned long env_end = BPF_CORE_READ(task, mm, env_end);
  end &= OFF_MASK;
  unsigned long room = OFF_MASK - end;
  unsigned long cap = room < MOAT_STR_MAX ? room : MOAT_STR_MAX;
  n = env_end > env_start ? env_end - env_start : 0;
  if (n > cap) {
    n = cap;
    h->bits |= MW_BIT_ENV_TRUNC;
  }
  n &= SLOT_MASK;
  if (bpf_probe_read_user((char *)h + end, n, (void *)env_start) != 0) n = 0;
  h->len[3] = n;
  end = (end + n) & OFF_MASK;
  emit(h, end);
  return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child) {
  struct moat_wire_config *cfg = get_config();
  if (ignored(cfg)) return 0;
  if (child->pid != child->tgid) return 0; /* a new thread, not a new process */
  struct moat_wire_hdr *h = begin(MW_FORK);
  if (!h) return 0;
  h->ppid = h->pid; /* the parent is the current task */
  h->pid = child->tgid;
  h->tid = child->pid;
  emit(h, sizeof(*h));
  return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int on_exit(void *ctx) {
  struct moat_wire_config *cfg = get_config();
  if (ignored(cfg)) return 0;
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  if (BPF_CORE_READ(task, signal, live.counter) != 0) return 0; /* other threads still run */
  struct moat_wire_hdr *h = begin(MW_EXIT);
  if (!h) return 0;
  int code = BPF_CORE_READ(task, exit_code);
  h->ret = (code >> 8) & 0xff;
  h->flags = code & 0x7f; /* terminating signal, 0 for a normal exit */
  emit(h, sizeof(*h));
  return 0;
}

/* ---- syscalls: one enter program for all, one exit program per family ---- */

static __always_inline int prefix_match(struct moat_wire_config *cfg, const char *path) {
  for (int i = 0; i < MOAT_PREFIXES; i++) {
    if (i >= cfg->nprefixes) break;
    __u32 len = cfg->prefix_len[i];
    if (len == 0 || len > MOAT_PREFIX_LEN) continue;
    int same = 1;
    for (int j = 0; j < MOAT_PREFIX_LEN; j++) {
      if (j >= len) break;
      if (path[j] != cfg->prefix[i][j]) {
        same = 0;
        break;
      }
    }
    if (same) return 1;
  }
  return 0;
}

#define WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)

/* Only connect and bind have an enter program: the address they are given is user memory that
 * may change while the call blocks, so it is copied before. Every other syscall is read whole at
 * its exit, its arguments from the registers the task entered the kernel with: an enter program
 * on the commonest calls (opens) cost as much again as their exit. */
SEC("tracepoint")
int sys_enter(struct trace_event_raw_sys_enter *ctx) {
  struct moat_wire_config *cfg = get_config();
  if (ignored(cfg)) return 0;
  struct stash *st = bpf_task_storage_get(&stash_map, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!st) return 0;
  st->nr = (int)ctx->id;
  /* Copied with a helper, not read directly: a direct read of args[5] would raise the program's
   * max ctx offset past the record of a syscall with fewer arguments, and attaching to that
   * tracepoint would then be refused (EACCES). */
  bpf_probe_read_kernel(st->args, sizeof(st->args), ctx->args);
  st->sa_len = 0;
  /* a whole-buffer read first (constant size), a shorter one when that crosses into an unmapped
   * page; sa_len says how much of it is the caller's */
  __u64 len = st->args[2];
  if (len > MOAT_SOCKADDR_MAX) len = MOAT_SOCKADDR_MAX;
  const void *src = (const void *)st->args[1];
  if (bpf_probe_read_user(st->sa, sizeof(st->sa), src) == 0 ||
      bpf_probe_read_user(st->sa, len & (MOAT_SOCKADDR_MAX - 1), src) == 0)
    st->sa_len = len;
  return 0;
}

/* The exiting syscall's number and arguments: connect's and bind's as their enter stashed them
 * (marked taken), every other's from the registers saved at syscall entry (x86_64: rdi, rsi, rdx,
 * r10, r8, r9), which the kernel leaves as the caller set them. -1 when there is nothing to take:
 * the agent's own call, or a connect whose enter ran before the programs were attached. */
static __always_inline int exiting_call(struct trace_event_raw_sys_exit *ctx, struct stash *out) {
  struct moat_wire_config *cfg = get_config();
  if (ignored(cfg)) return -1;
  int nr = (int)ctx->id;
  struct task_struct *task = bpf_get_current_task_btf();
  if (nr == MNR_connect || nr == MNR_bind) {
    struct stash *st = bpf_task_storage_get(&stash_map, task, 0, 0);
    if (!st || st->nr != nr) return -1;
    __builtin_memcpy(out, st, sizeof(*out));
    st->nr = NO_STASH;
    return 0;
  }
  struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
  out->nr = nr;
  out->args[0] = regs->di;
  out->args[1] = regs->si;
  out->args[2] = regs->dx;
  out->args[3] = regs->r10;
  out->args[4] = regs->r8;
  out->args[5] = regs->r9;
  out->sa_len = 0;
  return 0;
}

SEC("tracepoint")
int sys_exit_open(struct trace_event_raw_sys_exit *ctx) {
  struct stash st;
  if (exiting_call(ctx, &st) != 0) return 0;
  long ret = ctx->ret;
  if (ret < 0) return 0; /* only opens that succeeded */
  struct moat_wire_config *cfg = get_config();
  if (!cfg) return 0;
  const char *upath;
  __u64 flags = 0, mode = 0;
  switch (st.nr) {
    case MNR_open: upath = (const char *)st.args[0]; flags = st.args[1]; mode = st.args[2]; break;
    case MNR_creat: upath = (const char *)st.args[0]; flags = O_CREAT | O_WRONLY | O_TRUNC; mode = st.args[1]; break;
    case MNR_openat: upath = (const char *)st.args[1]; flags = st.args[2]; mode = st.args[3]; break;
    case MNR_openat2: {
      upath = (const char *)st.args[1];
      struct open_how how = {};
      bpf_probe_read_user(&how, sizeof(how), (void *)st.args[2]);
      flags = how.flags;
      mode = how.mode;
      break;
    }
    default: return 0;
  }
  /* Most opens are reads of absolute paths under no prefix (libraries, headers, data): the start
   * of the path decides those, before the whole path or the header costs anything. */
  /* a read-only open that the prefixes may still drop */
  int undecided_read = !(flags & WRITE_FLAGS) && !cfg->all_opens;
  if (undecided_read) {
    struct pathbuf *pb = get_pathbuf();
    if (pb && bpf_probe_read_user_str(pb->b, MOAT_PREFIX_LEN + 1, upath) > 0 && pb->b[0] == '/') {
      if (!prefix_match(cfg, pb->b)) return 0;
      undecided_read = 0; /* an absolute path under a prefix: the whole path cannot undo that */
    }
  }
  struct moat_wire_hdr *h = scratch_record();
  if (!h) return 0;
  /* An absolute path is taken as given; a relative one is resolved through the new descriptor. */
  __u32 end = put_user_str(h, sizeof(*h), 0, upath);
  if (h->len[0] == 0 || *((char *)h + sizeof(*h)) != '/') end = put_fd_path(h, sizeof(*h), 0, ret);
  if (undecided_read && !prefix_match(cfg, (const char *)h + sizeof(*h))) return 0;
  __u16 path_len = h->len[0];
  fill_header(h, MW_OPEN);
  h->len[0] = path_len;
  h->ret = ret;
  h->flags = flags;
  h->mode = mode;
  emit(h, end);
  return 0;
}

/* unlink, rmdir, mkdir, chmod and chown families: one path (or descriptor) and a few numbers. */
SEC("tracepoint")
int sys_exit_file(struct trace_event_raw_sys_exit *ctx) {
  struct stash st;
  if (exiting_call(ctx, &st) != 0) return 0;
  __u64 *a = st.args;
  __u8 kind;
  const void *path = 0; /* NULL: the object is descriptor a[0] */
  __u64 num1 = 0, num2 = 0; /* the arguments after the path or descriptor */
  switch (st.nr) {
    case MNR_unlink: case MNR_rmdir: kind = MW_UNLINK; path = (void *)a[0]; break;
    case MNR_unlinkat: kind = MW_UNLINK; path = (void *)a[1]; num1 = a[2]; break;
    case MNR_mkdir: kind = MW_MKDIR; path = (void *)a[0]; num1 = a[1]; break;
    case MNR_mkdirat: kind = MW_MKDIR; path = (void *)a[1]; num1 = a[2]; break;
    case MNR_chmod: kind = MW_CHMOD; path = (void *)a[0]; num1 = a[1]; break;
    case MNR_fchmod: kind = MW_CHMOD; num1 = a[1]; break;
    case MNR_fchmodat: case MNR_fchmodat2: kind = MW_CHMOD; path = (void *)a[1]; num1 = a[2]; break;
    case MNR_chown: case MNR_lchown: kind = MW_CHOWN; path = (void *)a[0]; num1 = a[1]; num2 = a[2]; break;
    case MNR_fchown: kind = MW_CHOWN; num1 = a[1]; num2 = a[2]; break;
    case MNR_fchownat: kind = MW_CHOWN; path = (void *)a[1]; num1 = a[2]; num2 = a[3]; break;
    default: return 0;
  }
  struct moat_wire_hdr *h = begin(kind);
  if (!h) return 0;
  h->ret = ctx->ret;
  if (kind == MW_UNLINK) h->flags = num1;
  if (kind == MW_MKDIR || kind == MW_CHMOD) h->mode = num1;
  if (kind == MW_CHOWN) {
    h->arg_uid = num1;
    h->arg_gid = num2;
  }
  __u32 end = sizeof(*h);
  if (path)
    end = put_user_str(h, end, 0, path);
  else
    end = put_fd_path(h, end, 0, (long)a[0]);
  emit(h, end);
  return 0;
}

/* rename, symlink, link, mount: two paths (path = new/target, path2 = old/source). */
SEC("tracepoint")
int sys_exit_file2(struct trace_event_raw_sys_exit *ctx) {
  struct stash st;
  if (exiting_call(ctx, &st) != 0) return 0;
  __u64 *a = st.args;
  __u8 kind;
  const void *p1, *p2, *p3 = 0;
  __u64 flags = 0;
  switch (st.nr) {
    case MNR_rename: kind = MW_RENAME; p1 = (void *)a[0]; p2 = (void *)a[1]; break;
    case MNR_renameat: kind = MW_RENAME; p1 = (void *)a[1]; p2 = (void *)a[3]; break;
    case MNR_renameat2: kind = MW_RENAME; p1 = (void *)a[1]; p2 = (void *)a[3]; flags = a[4]; break;
    case MNR_symlink: kind = MW_SYMLINK; p1 = (void *)a[1]; p2 = (void *)a[0]; break;
    case MNR_symlinkat: kind = MW_SYMLINK; p1 = (void *)a[2]; p2 = (void *)a[0]; break;
    case MNR_link: kind = MW_LINK; p1 = (void *)a[1]; p2 = (void *)a[0]; break;
    case MNR_linkat: kind = MW_LINK; p1 = (void *)a[3]; p2 = (void *)a[1]; flags = a[4]; break;
    case MNR_mount: kind = MW_MOUNT; p1 = (void *)a[1]; p2 = (void *)a[0]; p3 = (void *)a[2]; flags = a[3]; break;
    default: return 0;
  }
  struct moat_wire_hdr *h = begin(kind);
  if (!h) return 0;
  h->ret = ctx->ret;
  h->flags = flags;
  __u32 end = sizeof(*h);
  end = put_user_str(h, end, 0, p1);
  end = put_user_str(h, end, 1, p2);
  if (p3) end = put_user_str(h, end, 2, p3);
  emit(h, end);
  return 0;
}

SEC("tracepoint")
int sys_exit_net(struct trace_event_raw_sys_exit *ctx) {
  struct stash st;
  if (exiting_call(ctx, &st) != 0) return 0;
  long ret = ctx->ret;
  __u8 kind;
  long sock_fd;
  switch (st.nr) {
    case MNR_connect: kind = MW_CONNECT; sock_fd = st.args[0]; break;
    case MNR_bind: kind = MW_BIND; sock_fd = st.args[0]; break;
    case MNR_listen: kind = MW_LISTEN; sock_fd = st.args[0]; break;
    case MNR_accept: case MNR_accept4:
      if (ret < 0) return 0; /* a failed accept (EAGAIN on a non-blocking socket) says nothing */
      kind = MW_ACCEPT; sock_fd = ret; break;
    case MNR_socket:
      /* unix and IP sockets are every program's, and what they are used for is reported by
       * connect, bind, listen and accept; the other families (packet, netlink...) are telling */
      if (st.args[0] == AF_UNIX || st.args[0] == AF_INET || st.args[0] == AF_INET6) return 0;
      kind = MW_SOCKET; sock_fd = -1; break;
    case MNR_dup: case MNR_dup2: case MNR_dup3:
      /* Only a socket put on another descriptor (a shell's stdin/stdout on a connection) is
       * reported: shells duplicate files and pipes all the time. */
      if (ret < 0 || !is_socket(fd_file((long)st.args[0]))) return 0;
      kind = MW_DUP; sock_fd = ret; break;
    default: return 0;
  }
  struct moat_wire_hdr *h = begin(kind);
  if (!h) return 0;
  h->ret = ret;
  if (st.nr == MNR_listen) h->flags = st.args[1];
  if (st.nr == MNR_socket) {
    h->family = st.args[0];
    h->flags = st.args[1]; /* type, with SOCK_NONBLOCK/SOCK_CLOEXEC */
    h->mode = st.args[2];  /* protocol */
  }
  if (st.nr == MNR_dup3) h->flags = st.args[2];
  __u32 end = sizeof(*h);
  /* slot 0: the raw sockaddr of connect/bind, as copied at enter */
  __u32 sa_len = st.sa_len;
  if (sa_len > MOAT_SOCKADDR_MAX) sa_len = MOAT_SOCKADDR_MAX;
  if (sa_len > 0 && bpf_probe_read_kernel((char *)h + end, sa_len, st.sa) == 0) {
    h->len[0] = sa_len;
    h->bits |= MW_BIT_SLOT0_RAW;
    end += sa_len;
  }
  put_sock(h, sock_fd);
  emit(h, end);
  return 0;
}

SEC("tracepoint")
int sys_exit_priv(struct trace_event_raw_sys_exit *ctx) {
  struct stash st;
  if (exiting_call(ctx, &st) != 0) return 0;
  __u64 *a = st.args;
  __u8 kind;
  switch (st.nr) {
    case MNR_setuid: case MNR_setreuid: case MNR_setresuid: kind = MW_SETUID; break;
    case MNR_setgid: case MNR_setregid: case MNR_setresgid: kind = MW_SETGID; break;
    case MNR_capset: kind = MW_CAPSET; break;
    case MNR_ptrace: kind = MW_PTRACE; break;
    case MNR_umount2: kind = MW_UMOUNT; break;
    case MNR_init_module: case MNR_finit_module: kind = MW_INIT_MODULE; break;
    case MNR_memfd_create: kind = MW_MEMFD_CREATE; break;
    case MNR_unshare: kind = MW_UNSHARE; break;
    case MNR_setns: kind = MW_SETNS; break;
    case MNR_bpf: kind = MW_BPF; break;
    default: return 0;
  }
  struct moat_wire_hdr *h = begin(kind);
  if (!h) return 0;
  h->ret = ctx->ret;
  __u32 end = sizeof(*h);
  /* For the set*id calls the id that matters is the effective one when it is given (-1 = keep). */
  __u32 id = (__u32)a[0];
  if ((st.nr == MNR_setreuid || st.nr == MNR_setregid || st.nr == MNR_setresuid || st.nr == MNR_setresgid) &&
      (__u32)a[1] != 0xffffffff)
    id = (__u32)a[1];
  switch (st.nr) {
    case MNR_setuid: case MNR_setreuid: case MNR_setresuid: h->arg_uid = id; break;
    case MNR_setgid: case MNR_setregid: case MNR_setresgid: h->arg_gid = id; break;
    case MNR_capset: {
      /* struct __user_cap_data_struct[2]: effective, permitted, inheritable per 32 capabilities */
      __u32 data[6] = {};
      bpf_probe_read_user(data, sizeof(data), (void *)a[1]);
      h->flags = (__u64)data[0] | ((__u64)data[3] << 32);
      h->mode = data[1];
      break;
    }
    case MNR_ptrace: h->flags = a[0]; h->arg_pid = a[1]; break;
    case MNR_umount2: h->flags = a[1]; end = put_user_str(h, end, 0, (const void *)a[0]); break;
    case MNR_init_module: end = put_user_str(h, end, 2, (const void *)a[2]); break;
    case MNR_finit_module:
      h->flags = a[2];
      end = put_fd_path(h, end, 0, (long)a[0]);
      break;
    case MNR_memfd_create: h->flags = a[1]; end = put_user_str(h, end, 2, (const void *)a[0]); break;
    case MNR_unshare: h->flags = a[0]; break;
    case MNR_setns: h->flags = a[1]; break;
    case MNR_bpf: h->flags = a[0]; break;
  }
  emit(h, end);
  return 0;
}
