#include "runtime/container.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/container_resolver.h"

namespace moat::runtime {
namespace {

const std::string kId = "c4c170bdd16aab0e3b14fcff760e50d54456158dbe8293919dddc9bdf4fd862b";
const std::string kOther = "169869fb1e945b5f3bbfe83bfb55bfab4af2ea811d7b1adb4ff1b98ca640d2b1";
const std::string kPodUid = "0b1d3a52-8c1e-4c8e-9d8e-5a3c1f2e7d10";
const std::string kPodUidUnderscored = "0b1d3a52_8c1e_4c8e_9d8e_5a3c1f2e7d10";

ContainerRef ref(ContainerRuntime runtime, const std::string& id, const std::string& pod = "") {
  return ContainerRef{runtime, id, pod};
}

TEST(ContainerCgroupPath, Docker) {
  EXPECT_EQ(container_from_cgroup_path("/docker/" + kId), ref(ContainerRuntime::Docker, kId));
  EXPECT_EQ(container_from_cgroup_path("/system.slice/docker-" + kId + ".scope"), ref(ContainerRuntime::Docker, kId));
  // systemd inside the container makes sub-cgroups of the container's own.
  EXPECT_EQ(container_from_cgroup_path("/docker/" + kId + "/init.scope"), ref(ContainerRuntime::Docker, kId));
  EXPECT_EQ(container_from_cgroup_path("/system.slice/docker-" + kId + ".scope/system.slice/cron.service"),
            ref(ContainerRuntime::Docker, kId));
}

TEST(ContainerCgroupPath, DockerInDockerTakesTheInnermost) {
  EXPECT_EQ(container_from_cgroup_path("/docker/" + kOther + "/docker/" + kId), ref(ContainerRuntime::Docker, kId));
  EXPECT_EQ(container_from_cgroup_path("/docker/" + kOther), ref(ContainerRuntime::Docker, kOther));
}

TEST(ContainerCgroupPath, KubernetesCgroupfsDriver) {
  EXPECT_EQ(container_from_cgroup_path("/kubepods/burstable/pod" + kPodUid + "/" + kId),
            ref(ContainerRuntime::Containerd, kId, kPodUid));
  EXPECT_EQ(container_from_cgroup_path("/kubepods/besteffort/pod" + kPodUid + "/" + kId),
            ref(ContainerRuntime::Containerd, kId, kPodUid));
  EXPECT_EQ(container_from_cgroup_path("/kubepods/pod" + kPodUid + "/" + kId),  // Guaranteed QoS
            ref(ContainerRuntime::Containerd, kId, kPodUid));
  // cri-o under cgroupfs names the container crio-<id>.
  EXPECT_EQ(container_from_cgroup_path("/kubepods/burstable/pod" + kPodUid + "/crio-" + kId),
            ref(ContainerRuntime::CriO, kId, kPodUid));
  // A static pod's uid is the 32-hex hash of its manifest.
  EXPECT_EQ(container_from_cgroup_path("/kubepods/burstable/pod0123456789abcdef0123456789abcdef/" + kId),
            ref(ContainerRuntime::Containerd, kId, "0123456789abcdef0123456789abcdef"));
}

TEST(ContainerCgroupPath, KubernetesSystemdDriver) {
  EXPECT_EQ(container_from_cgroup_path("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" +
                                       kPodUidUnderscored + ".slice/cri-containerd-" + kId + ".scope"),
            ref(ContainerRuntime::Containerd, kId, kPodUid));
  EXPECT_EQ(container_from_cgroup_path("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" +
                                       kPodUidUnderscored + ".slice/crio-" + kId + ".scope"),
            ref(ContainerRuntime::CriO, kId, kPodUid));
  EXPECT_EQ(container_from_cgroup_path("/kubepods.slice/kubepods-pod" + kPodUidUnderscored + ".slice/docker-" + kId + ".scope"),
            ref(ContainerRuntime::Docker, kId, kPodUid));
  // The pod's own slice (its pause sandbox's parent) is no container.
  EXPECT_EQ(container_from_cgroup_path("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" +
                                       kPodUidUnderscored + ".slice"),
            std::nullopt);
}

TEST(ContainerCgroupPath, CriO) {
  EXPECT_EQ(container_from_cgroup_path("/machine.slice/crio-" + kId + ".scope"), ref(ContainerRuntime::CriO, kId));
  EXPECT_EQ(container_from_cgroup_path("/machine.slice/crio-conmon-" + kId + ".scope"), std::nullopt);
  EXPECT_EQ(container_from_cgroup_path("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" +
                                       kPodUidUnderscored + ".slice/crio-conmon-" + kId + ".scope"),
            std::nullopt);
}

TEST(ContainerCgroupPath, Podman) {
  EXPECT_EQ(container_from_cgroup_path("/machine.slice/libpod-" + kId + ".scope"), ref(ContainerRuntime::Podman, kId));
  EXPECT_EQ(container_from_cgroup_path("/machine.slice/libpod-" + kId + ".scope/container"), ref(ContainerRuntime::Podman, kId));
  EXPECT_EQ(container_from_cgroup_path("/libpod_parent/libpod-" + kId), ref(ContainerRuntime::Podman, kId));
  EXPECT_EQ(container_from_cgroup_path("/machine.slice/libpod-conmon-" + kId + ".scope"), std::nullopt);
  EXPECT_EQ(container_from_cgroup_path("/libpod_parent/conmon"), std::nullopt);
  // rootless podman under the user's systemd instance
  EXPECT_EQ(container_from_cgroup_path("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId + ".scope"),
            ref(ContainerRuntime::Podman, kId));
}

TEST(ContainerCgroupPath, OtherShapes) {
  EXPECT_EQ(container_from_cgroup_path("/nerdctl.slice/nerdctl-" + kId + ".scope"), ref(ContainerRuntime::Containerd, kId));
  // containerd without Kubernetes: /<namespace>/<id>; the engine is not named by the path.
  EXPECT_EQ(container_from_cgroup_path("/default/" + kId), ref(ContainerRuntime::Unknown, kId));
  EXPECT_EQ(runtime_name(ContainerRuntime::CriO), "cri-o");
  EXPECT_EQ(runtime_name(ContainerRuntime::Unknown), "unknown");
}

TEST(ContainerCgroupPath, HostProcesses) {
  for (const std::string& path : std::vector<std::string>{"/", "", "/init.scope", "/system.slice/sshd.service", "/system.slice/containerd.service",
                           "/system.slice/docker.service", "/user.slice/user-0.slice/session-1.scope", "/docker",
                           "/kubepods/burstable", "/kubepods/burstable/pod" + kPodUid, "/machine.slice",
                           "/process_api/f740c00feb852f290effc502b46e0bf5", "/libpod_parent"})
    EXPECT_EQ(container_from_cgroup_path(path), std::nullopt) << path;
}

TEST(ContainerCgroupPath, ProcCgroupLines) {
  EXPECT_EQ(container_from_cgroup_path("12:memory:/docker/" + kId), ref(ContainerRuntime::Docker, kId));
  EXPECT_EQ(container_from_cgroup_path("0::/libpod_parent/libpod-" + kId + "\n"), ref(ContainerRuntime::Podman, kId));
  EXPECT_EQ(container_from_cgroup_path("1:name=systemd:/system.slice/docker-" + kId + ".scope"), ref(ContainerRuntime::Docker, kId));
  EXPECT_EQ(container_from_cgroup_path("4:cpu,cpuacct:/docker/" + kId), ref(ContainerRuntime::Docker, kId));
  // A removed cgroup keeps its path with the kernel's marker.
  EXPECT_EQ(container_from_cgroup_path("0::/docker/" + kId + " (deleted)"), ref(ContainerRuntime::Docker, kId));
  EXPECT_EQ(container_from_cgroup_path("0::/"), std::nullopt);
}

TEST(ContainerCgroupPath, WholeProcCgroupFile) {
  // Read from a podman container on this machine (cgroup v1 with the v2 hierarchy at /sys/fs/cgroup/unified).
  std::string hybrid;
  for (const std::string& controller : std::vector<std::string>{"9:name=systemd", "8:pids", "7:blkio", "6:freezer", "5:devices", "4:memory", "3:cpuset",
                                 "2:cpuacct", "1:cpu", "0:"})
    hybrid += controller + ":/libpod_parent/libpod-" + kId + "\n";
  EXPECT_EQ(container_from_proc_cgroup(hybrid), ref(ContainerRuntime::Podman, kId));

  // Docker on a v1 host with an empty unified hierarchy: the v1 lines name the container.
  std::string v1 = "12:pids:/docker/" + kId + "\n11:memory:/docker/" + kId + "\n1:name=systemd:/docker/" + kId + "\n0::/\n";
  EXPECT_EQ(container_from_proc_cgroup(v1), ref(ContainerRuntime::Docker, kId));

  // The unified line wins over v1 lines that disagree.
  std::string mixed = "4:memory:/docker/" + kOther + "\n0::/system.slice/docker-" + kId + ".scope\n";
  EXPECT_EQ(container_from_proc_cgroup(mixed), ref(ContainerRuntime::Docker, kId));

  std::string host = "9:name=systemd:/\n4:memory:/process_api/f740c00feb852f290effc502b46e0bf5\n0::/\n";
  EXPECT_EQ(container_from_proc_cgroup(host), std::nullopt);
  EXPECT_EQ(container_from_proc_cgroup(""), std::nullopt);
}

TEST(ContainerCgroupPath, HostileInputs) {
  std::string upper = kId;
  upper[0] = 'C';
  EXPECT_EQ(container_from_cgroup_path("/docker/" + upper), std::nullopt);
  EXPECT_EQ(container_from_cgroup_path("/docker/" + kId.substr(0, 63)), std::nullopt);
  EXPECT_EQ(container_from_cgroup_path("/docker/" + kId + "0"), std::nullopt);
  EXPECT_EQ(container_from_cgroup_path("/system.slice/docker-" + kId + ".scopex"), std::nullopt);
  EXPECT_EQ(container_from_cgroup_path("/system.slice/docker-" + kId), std::nullopt);
  EXPECT_EQ(container_from_cgroup_path("/kubepods/burstable/podnot-a-uid/" + kId), ref(ContainerRuntime::Unknown, kId));
  std::string with_nul = "/docker/" + kId;
  with_nul[8] = '\0';
  EXPECT_EQ(container_from_cgroup_path(with_nul), std::nullopt);
  EXPECT_EQ(container_from_cgroup_path("////////"), std::nullopt);
  EXPECT_EQ(container_from_cgroup_path("99999999999999999999999:::::"), std::nullopt);
  EXPECT_EQ(container_from_cgroup_path(":"), std::nullopt);
  // Huge inputs are linear work and find nothing unless a component matches.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "/a";
  EXPECT_EQ(container_from_cgroup_path(deep), std::nullopt);
  EXPECT_EQ(container_from_cgroup_path(deep + "/docker/" + kId), ref(ContainerRuntime::Docker, kId));
  std::string binary(4096, '\xff');
  EXPECT_EQ(container_from_proc_cgroup(binary), std::nullopt);
  std::string lines;
  for (int i = 0; i < 50000; ++i) lines += "\n";
  EXPECT_EQ(container_from_proc_cgroup(lines + "1:cpu:/docker/" + kId), ref(ContainerRuntime::Docker, kId));
}

TEST(Cgroup2Mountinfo, FindsTheUnifiedHierarchy) {
  // This machine's /proc/self/mountinfo (cgroup v1 with a v2 mount).
  std::string text =
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
  auto mount = cgroup2_mount_from_mountinfo(text);
  ASSERT_TRUE(mount);
  EXPECT_EQ(mount->mount_point, "/sys/fs/cgroup/unified");
  EXPECT_EQ(mount->root, "/");

  // A pure v2 host with optional fields, and an escaped mount point inside a cgroup namespace.
  auto v2 = cgroup2_mount_from_mountinfo(
      "30 23 0:26 /kubepods/pod1 /sys/fs/my\\040cgroup rw,nosuid shared:4 master:1 - cgroup2 cgroup2 rw,nsdelegate\n");
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->mount_point, "/sys/fs/my cgroup");
  EXPECT_EQ(v2->root, "/kubepods/pod1");

  EXPECT_FALSE(cgroup2_mount_from_mountinfo("35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"));
  EXPECT_FALSE(cgroup2_mount_from_mountinfo(""));
  EXPECT_FALSE(cgroup2_mount_from_mountinfo("1 2 3 4 5 6 - \n- cgroup2\n\\\\\\ 1 2 - cgroup2"));
  EXPECT_FALSE(cgroup2_mount_from_mountinfo(std::string(10000, '-')));
}

}  // namespace
}  // namespace moat::runtime
