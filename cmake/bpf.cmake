# The runtime agent's eBPF programs: src/runtime/bpf/*.bpf.c → BPF objects → libbpf skeletons
# (<name>.skel.h) that moat_runtime includes. Built with clang's BPF target by custom commands, so
# none of the C++ flags (sanitizers, fuzzing, -Werror for GCC) reach the BPF code.
find_program(MOAT_CLANG_BPF NAMES clang clang-14 REQUIRED)
find_program(MOAT_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)
find_program(MOAT_LLVM_STRIP NAMES llvm-strip llvm-strip-14 REQUIRED)
set(MOAT_VMLINUX_BTF /sys/kernel/btf/vmlinux CACHE FILEPATH "Kernel BTF that vmlinux.h is generated from")

set(moat_bpf_dir ${CMAKE_CURRENT_BINARY_DIR}/bpf)
file(MAKE_DIRECTORY ${moat_bpf_dir})

# vmlinux.h: every kernel type, for CO-RE. It is only a compile-time view; field offsets are
# relocated against the running kernel's BTF at load time.
add_custom_command(OUTPUT ${moat_bpf_dir}/vmlinux.h
  COMMAND ${MOAT_BPFTOOL} btf dump file ${MOAT_VMLINUX_BTF} format c > ${moat_bpf_dir}/vmlinux.h.tmp
  COMMAND ${CMAKE_COMMAND} -E rename ${moat_bpf_dir}/vmlinux.h.tmp ${moat_bpf_dir}/vmlinux.h
  COMMENT "Generating vmlinux.h from ${MOAT_VMLINUX_BTF}"
  VERBATIM)

file(GLOB moat_bpf_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/runtime/bpf/*.bpf.c)
file(GLOB moat_bpf_headers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/runtime/bpf/*.h)
set(moat_bpf_skeletons)
foreach(src ${moat_bpf_sources})
  get_filename_component(name ${src} NAME)
  string(REGEX REPLACE "\\.bpf\\.c$" "" name ${name})
  set(obj ${moat_bpf_dir}/${name}.bpf.o)
  set(skel ${moat_bpf_dir}/${name}.skel.h)
  add_custom_command(OUTPUT ${obj}
    COMMAND ${MOAT_CLANG_BPF} -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror
            -I${moat_bpf_dir} -I${CMAKE_CURRENT_SOURCE_DIR}/src/runtime/bpf -c ${src} -o ${obj}
    # -g is for BTF (CO-RE needs it); the DWARF that comes with it would only bloat the skeleton
    COMMAND ${MOAT_LLVM_STRIP} -g ${obj}
    DEPENDS ${src} ${moat_bpf_headers} ${moat_bpf_dir}/vmlinux.h
    COMMENT "Compiling BPF ${name}.bpf.c"
    VERBATIM)
  add_custom_command(OUTPUT ${skel}
    COMMAND ${MOAT_BPFTOOL} gen skeleton ${obj} name ${name}_bpf > ${skel}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${skel}.tmp ${skel}
    DEPENDS ${obj}
    COMMENT "Generating BPF skeleton ${name}.skel.h"
    VERBATIM)
  list(APPEND moat_bpf_skeletons ${skel})
endforeach()

add_custom_target(moat_bpf_skeletons DEPENDS ${moat_bpf_skeletons})
add_dependencies(moat_runtime moat_bpf_skeletons)
get_target_property(moat_runtime_type moat_runtime TYPE)
if(moat_runtime_type STREQUAL "INTERFACE_LIBRARY")
  target_include_directories(moat_runtime INTERFACE ${moat_bpf_dir})
else()
  target_include_directories(moat_runtime PUBLIC ${moat_bpf_dir})
endif()
