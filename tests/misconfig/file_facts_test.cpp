#include "misconfig/file_facts.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

using namespace moat::misconfig;

namespace {

std::string rule_of(std::string_view path, uint32_t mode, EntryType type = EntryType::File) {
  auto f = file_fact(path, mode, type);
  return f ? f->rule_id : std::string("-");
}

TEST(FileFacts, PermissionFacts) {
  EXPECT_EQ(rule_of("usr/bin/passwd", 04755), "MOAT-IMG-031");  // Debian's shadow tools: LOW
  EXPECT_EQ(rule_of("./usr/sbin/unix_chkpwd", 02755), "MOAT-IMG-031");
  EXPECT_EQ(rule_of("/opt/app/helper", 04755), "MOAT-IMG-030");
  EXPECT_EQ(rule_of("/usr/bin/sudo", 04755), "MOAT-IMG-030");  // not part of a base system
  EXPECT_EQ(rule_of("/opt/app/helper", 06711), "MOAT-IMG-030");
  EXPECT_EQ(file_fact("/opt/app/helper", 06711, false)->detail, "setuid and setgid (6711)");
  EXPECT_EQ(rule_of("/opt/app/data.lock", 02644), "-");  // setgid without group-execute: a lock mark
  EXPECT_EQ(rule_of("/opt/app/data", 04644), "-");       // setuid on a file nobody may execute
  EXPECT_EQ(rule_of("/etc/app.conf", 0666), "MOAT-IMG-032");
  EXPECT_EQ(rule_of("/usr/bin/passwd", 04777), "MOAT-IMG-032");  // worst fact wins
  EXPECT_EQ(file_fact("/etc/app.conf", 0666, false)->detail, "world-writable (0666)");
  EXPECT_EQ(rule_of("/etc/app.conf", 0664), "-");
  EXPECT_EQ(rule_of("/data", 0777, EntryType::Directory), "MOAT-IMG-033");
  EXPECT_EQ(rule_of("/tmp", 01777, EntryType::Directory), "-");
  EXPECT_EQ(rule_of("/usr/bin", 0755, EntryType::Directory), "-");
  EXPECT_EQ(rule_of("/usr/bin/bash", 0755, EntryType::Directory), "-");  // a directory is no tool
}

TEST(FileFacts, SymlinksAndTypeBits) {
  // A symlink's 0777 means nothing; it still counts as the tool it is named for.
  EXPECT_EQ(rule_of("/usr/bin/sh", 0777, EntryType::Symlink), "MOAT-IMG-034");
  EXPECT_EQ(rule_of("/etc/alternatives/x", 0777, EntryType::Symlink), "-");
  // Full st_mode values decide the type whatever the flag says.
  EXPECT_EQ(rule_of("/usr/bin/wget", S_IFLNK | 0777), "MOAT-IMG-037");
  EXPECT_EQ(rule_of("/var/tmp", S_IFDIR | 01777), "-");
  EXPECT_EQ(rule_of("/srv/drop", S_IFDIR | 0777), "MOAT-IMG-033");
  EXPECT_EQ(rule_of("/dev/null", S_IFCHR | 0666), "-");
  EXPECT_EQ(rule_of("/run/app.fifo", S_IFIFO | 0666), "-");
  EXPECT_EQ(rule_of("/etc/shadow-", S_IFREG | 0666, EntryType::Directory), "MOAT-IMG-032");
}

TEST(FileFacts, ToolsOnlyInBinDirectoriesAndExecutable) {
  struct Case {
    const char* path;
    const char* rule;
  };
  const Case cases[] = {
      {"/bin/sh", "MOAT-IMG-034"},
      {"/usr/bin/bash", "MOAT-IMG-034"},
      {"/bin/busybox", "MOAT-IMG-034"},
      {"/usr/bin/zsh", "MOAT-IMG-034"},
      {"/usr/bin/apt-get", "MOAT-IMG-035"},
      {"/usr/bin/dpkg", "MOAT-IMG-035"},
      {"/sbin/apk", "MOAT-IMG-035"},
      {"/usr/local/bin/pip3.11", "MOAT-IMG-035"},
      {"/usr/local/bin/npm", "MOAT-IMG-035"},
      {"/usr/bin/rpm", "MOAT-IMG-035"},
      {"/usr/bin/gcc-12", "MOAT-IMG-036"},
      {"/usr/bin/x86_64-linux-gnu-gcc-12", "MOAT-IMG-036"},
      {"/usr/bin/clang++-16", "MOAT-IMG-036"},
      {"/usr/bin/make", "MOAT-IMG-036"},
      {"/usr/local/bin/go", "MOAT-IMG-036"},
      {"/usr/bin/rustc", "MOAT-IMG-036"},
      {"/usr/bin/javac", "MOAT-IMG-036"},
      {"/usr/bin/curl", "MOAT-IMG-037"},
      {"/usr/bin/nc.openbsd", "MOAT-IMG-037"},
      {"/usr/sbin/tcpdump", "MOAT-IMG-037"},
      {"/usr/bin/ssh", "MOAT-IMG-037"},
      {"/usr/bin/socat", "MOAT-IMG-037"},
      // Not tools by these rules:
      {"/usr/local/go/bin/go", "-"},
      {"/usr/share/bash-completion/bash", "-"},
      {"/usr/bin/dpkg-query", "-"},
      {"/usr/bin/bashbug", "-"},
      {"/usr/bin/python3", "-"},
      {"/usr/lib/apt/apt-helper", "-"},
      {"/home/user/bin/curl", "-"},
      {"/usr/bin/ccache", "-"},
  };
  for (const auto& c : cases) EXPECT_EQ(rule_of(c.path, 0755), c.rule) << c.path;
  EXPECT_EQ(rule_of("/usr/bin/curl", 0644), "-");  // not executable
  EXPECT_EQ(file_fact("/usr/bin/x86_64-linux-gnu-gcc-12", 0755, false)->detail, "compiler or build tool gcc");
}

TEST(FileFacts, SummaryAggregatesToolsAndCapsPerFileFindings) {
  std::vector<std::pair<std::string, FileFact>> visible;
  for (const char* p : {"/usr/bin/dash", "/usr/bin/bash", "/usr/bin/sh", "usr/bin/bash"}) {
    visible.emplace_back(p, *file_fact(p, 0755, false));
  }
  for (int i = 0; i < 60; ++i) {
    std::string p = "/data/f" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    visible.emplace_back(p, *file_fact(p, 0666, false));
  }
  visible.emplace_back("/usr/bin/passwd", *file_fact("/usr/bin/passwd", 04755, false));
  visible.emplace_back("/odd", FileFact{"MOAT-XYZ", "not a rule"});  // ignored

  auto found = summarize_file_facts(visible);
  std::map<std::string, int> count;
  for (const auto& f : found) ++count[f.rule_id];
  EXPECT_EQ(count, (std::map<std::string, int>{{"MOAT-IMG-031", 1}, {"MOAT-IMG-032", 51}, {"MOAT-IMG-034", 1}}));
  const ConfigFinding* shells = nullptr;
  for (const auto& f : found)
    if (f.rule_id == "MOAT-IMG-034") shells = &f;
  ASSERT_NE(shells, nullptr);
  EXPECT_EQ(shells->message, "3 shells in the image: /usr/bin/bash, /usr/bin/dash, /usr/bin/sh");
  EXPECT_EQ(shells->level, Level::Low);
  // Ordered by rule id, then path; the last world-writable finding counts the rest.
  EXPECT_EQ(found[0].rule_id, "MOAT-IMG-031");
  EXPECT_EQ(found[0].object, "/usr/bin/passwd");
  EXPECT_EQ(found[0].message, "/usr/bin/passwd is setuid (4755)");
  EXPECT_EQ(found[1].object, "/data/f00");
  EXPECT_EQ(found[1].level, Level::High);
  EXPECT_EQ(found[51].message, "and 10 more files like these (first 50 listed)");
  EXPECT_TRUE(summarize_file_facts({}).empty());
}

TEST(FileFacts, LongToolListIsCut) {
  std::vector<std::pair<std::string, FileFact>> visible;
  for (const char* dir : {"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"}) {
    for (const char* name : {"curl", "wget", "nc", "ncat", "socat", "telnet", "ssh", "scp"}) {
      std::string p = std::string(dir) + "/" + name;
      visible.emplace_back(p, *file_fact(p, 0755, false));
    }
  }
  auto found = summarize_file_facts(visible);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].message.starts_with("48 network tools in the image: /bin/curl, ")) << found[0].message;
  EXPECT_TRUE(found[0].message.ends_with(" and 18 more")) << found[0].message;
}

// The facts of every entry of a real fixture root file system, with the modes its layers carry.
std::vector<std::pair<std::string, FileFact>> walk_rootfs(const std::filesystem::path& root, size_t& entries) {
  std::vector<std::pair<std::string, FileFact>> visible;
  for (auto it = std::filesystem::recursive_directory_iterator(root);
       it != std::filesystem::recursive_directory_iterator(); ++it) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    ++entries;
    std::string rel = "/" + it->path().lexically_relative(root).string();
    if (auto fact = file_fact(rel, st.st_mode, S_ISDIR(st.st_mode))) visible.emplace_back(rel, *fact);
  }
  return visible;
}

// The real debootstrap'ed bookworm root file system, with the modes the image layers carry.
TEST(FileFactsFixtures, BookwormRootfs) {
  const char* dir = std::getenv("MOAT_FIXTURES");
  if (!dir) GTEST_SKIP() << "MOAT_FIXTURES is not set: run scripts/test.sh, which builds the real images";
  std::filesystem::path root = std::filesystem::path(dir) / "bookworm" / "rootfs";
  ASSERT_TRUE(std::filesystem::is_directory(root)) << root;
  size_t entries = 0;
  auto visible = walk_rootfs(root, entries);
  ASSERT_GT(entries, 5000u);
  std::map<std::string, std::set<std::string>> paths;
  for (const auto& [p, f] : visible) paths[f.rule_id].insert(p);
  EXPECT_TRUE(paths["MOAT-IMG-031"].count("/usr/bin/passwd"));
  EXPECT_TRUE(paths["MOAT-IMG-031"].count("/usr/bin/su"));
  EXPECT_TRUE(paths["MOAT-IMG-031"].count("/usr/sbin/unix_chkpwd"));
  EXPECT_TRUE(paths["MOAT-IMG-030"].empty()) << *paths["MOAT-IMG-030"].begin();
  EXPECT_TRUE(paths["MOAT-IMG-032"].empty()) << *paths["MOAT-IMG-032"].begin();
  EXPECT_TRUE(paths["MOAT-IMG-033"].empty()) << *paths["MOAT-IMG-033"].begin();  // /tmp, /var/tmp: sticky
  for (const char* shell : {"/usr/bin/bash", "/usr/bin/dash", "/usr/bin/sh"})
    EXPECT_TRUE(paths["MOAT-IMG-034"].count(shell)) << shell;
  for (const char* pm : {"/usr/bin/apt", "/usr/bin/apt-get", "/usr/bin/dpkg"})
    EXPECT_TRUE(paths["MOAT-IMG-035"].count(pm)) << pm;
  // usrmerge: /bin is a symlink to usr/bin, not a directory walked twice.
  EXPECT_FALSE(paths["MOAT-IMG-034"].count("/bin/bash"));

  auto found = summarize_file_facts(visible);
  std::set<std::string> rules;
  for (const auto& f : found) rules.insert(f.rule_id);
  EXPECT_TRUE(rules.count("MOAT-IMG-031"));
  EXPECT_TRUE(rules.count("MOAT-IMG-034"));
  EXPECT_TRUE(rules.count("MOAT-IMG-035"));
  EXPECT_FALSE(rules.count("MOAT-IMG-032"));
  for (const auto& f : found) std::cout << "  " << f.rule_id << " " << f.message.substr(0, 160) << "\n";
}

// The "big" fixture installs curl, git and perl on top of bookworm.
TEST(FileFactsFixtures, BigRootfsHasCurl) {
  const char* dir = std::getenv("MOAT_FIXTURES");
  if (!dir) GTEST_SKIP() << "MOAT_FIXTURES is not set: run scripts/test.sh, which builds the real images";
  if (!std::filesystem::exists(std::filesystem::path(dir) / "big" / ".done"))
    GTEST_SKIP() << "the big fixture is built on demand (scripts/fixtures/build.sh build/fixtures big)";
  size_t entries = 0;
  auto visible = walk_rootfs(std::filesystem::path(dir) / "big" / "rootfs", entries);
  std::set<std::string> network;
  for (const auto& [p, f] : visible)
    if (f.rule_id == "MOAT-IMG-037") network.insert(p);
  EXPECT_TRUE(network.count("/usr/bin/curl"));
  auto found = summarize_file_facts(visible);
  size_t network_findings = 0;
  for (const auto& f : found) network_findings += f.rule_id == "MOAT-IMG-037";
  EXPECT_EQ(network_findings, 1u);
}

}  // namespace
