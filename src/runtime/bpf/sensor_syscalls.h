/* x86_64 numbers of the syscalls the sensor watches. vmlinux.h carries no __NR_* and the BPF
 * target sees no <asm/unistd_64.h>, so they are spelled here; sensor.cpp checks them against
 * <sys/syscall.h> at compile time. */
#ifndef MOAT_RUNTIME_BPF_SENSOR_SYSCALLS_H
#define MOAT_RUNTIME_BPF_SENSOR_SYSCALLS_H

#define MNR_open 2
#define MNR_dup 32
#define MNR_dup2 33
#define MNR_socket 41
#define MNR_connect 42
#define MNR_accept 43
#define MNR_bind 49
#define MNR_listen 50
#define MNR_ptrace 101
#define MNR_rename 82
#define MNR_mkdir 83
#define MNR_rmdir 84
#define MNR_creat 85
#define MNR_link 86
#define MNR_unlink 87
#define MNR_symlink 88
#define MNR_chmod 90
#define MNR_fchmod 91
#define MNR_chown 92
#define MNR_fchown 93
#define MNR_lchown 94
#define MNR_setuid 105
#define MNR_setgid 106
#define MNR_setreuid 113
#define MNR_setregid 114
#define MNR_setresuid 117
#define MNR_setresgid 119
#define MNR_capset 126
#define MNR_mount 165
#define MNR_umount2 166
#define MNR_init_module 175
#define MNR_openat 257
#define MNR_mkdirat 258
#define MNR_fchownat 260
#define MNR_unlinkat 263
#define MNR_renameat 264
#define MNR_linkat 265
#define MNR_symlinkat 266
#define MNR_fchmodat 268
#define MNR_unshare 272
#define MNR_accept4 288
#define MNR_dup3 292
#define MNR_setns 308
#define MNR_finit_module 313
#define MNR_renameat2 316
#define MNR_memfd_create 319
#define MNR_bpf 321
#define MNR_openat2 437
#define MNR_fchmodat2 452

#endif
