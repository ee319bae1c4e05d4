// Go build info read from real Go executables: the pre-1.18 pointer layout from binaries Go 1.15
// built (committed, see tests/data/go_binary/make.sh) and from Debian bullseye's skopeo, the inline
// layout from binaries the installed Go builds at test time for several architectures. Each
// result is compared with what `go version -m` prints for the same file.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "inventory/elf.h"
#include "inventory/go_binary.h"

namespace moat::inventory {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(MOAT_SOURCE_DIR) / "tests/data/go_binary";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string gunzip(const std::string& compressed) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 16 + MAX_WBITS), Z_OK);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[1 << 16];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  inflateEnd(&stream);
  EXPECT_EQ(status, Z_STREAM_END);
  return out;
}

// Runs a shell command; its standard output, or nullopt when it exits non-zero.
std::optional<std::string> run(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof(buffer), pipe)) out.append(buffer, n);
  return pclose(pipe) == 0 ? std::optional(out) : std::nullopt;
}

bool have_tool(const std::string& name) { return run("command -v " + name + " >/dev/null 2>&1").has_value(); }

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "moat-go-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

// "name version" for each package, in order, for readable comparisons.
std::vector<std::string> summary(const std::vector<Package>& packages) {
  std::vector<std::string> lines;
  for (const Package& package : packages) lines.push_back(package.name + " " + package.version);
  return lines;
}

// What `go version -m` prints, turned into packages by the rules go_binary.h documents.
std::vector<std::string> expected_from_go_version(const fs::path& binary) {
  fs::permissions(binary, fs::perms::owner_exec, fs::perm_options::add);  // go version skips non-executables
  auto out = run("go version -m '" + binary.string() + "' 2>&1");
  if (!out || out->find(": go") == std::string::npos) {
    ADD_FAILURE() << "go version -m failed on " << binary << ": " << out.value_or("");
    return {};
  }
  std::istringstream lines(*out);
  std::string line;
  std::getline(lines, line);
  std::vector<std::string> expected{"stdlib " + go_toolchain_semver(line.substr(line.rfind(' ') + 1))};
  auto devel_to_empty = [](const std::string& version) { return version == "(devel)" ? "" : version; };
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string word, path, version;
    std::getline(fields >> std::ws, word, '\t');
    std::getline(fields, path, '\t');
    std::getline(fields, version, '\t');
    if (word == "mod" || word == "dep") {
      expected.push_back(path + " " + devel_to_empty(version));
    } else if (word == "=>") {
      std::string& last = expected.back();
      const std::string replaced = last.substr(0, last.find(' '));
      last = path.starts_with("../") || path.starts_with("./") || path.starts_with("/")
                 ? replaced + " "
                 : path + " " + devel_to_empty(version);
    }
  }
  return expected;
}

std::vector<std::string> example_app(const std::string& stdlib) {
  return {"stdlib " + stdlib, "example.com/app ", "example.com/liba v1.2.3", "example.com/localc ",
          "example.org/forkb v0.5.1"};
}

// The same file without section headers, as after sstrip: the reader must fall back to segments.
std::string without_section_headers(std::string elf) {
  const bool is64 = elf[4] == 2;
  std::fill_n(elf.begin() + (is64 ? 40 : 32), is64 ? 8 : 4, '\0');  // e_shoff
  std::fill_n(elf.begin() + (is64 ? 60 : 48), 4, '\0');             // e_shnum, e_shstrndx
  return elf;
}

TEST(GoBinary, Go115PointerLayoutOnEachPointerSizeAndByteOrder) {
  struct Case {
    const char* arch;
    bool is_64bit;
    bool big_endian;
  };
  for (const Case& c : {Case{"386", false, false}, Case{"mips", false, true}, Case{"amd64", true, false},
                        Case{"s390x", true, true}}) {
    SCOPED_TRACE(c.arch);
    const std::string path = "/usr/bin/app-" + std::string(c.arch);
    const std::string bytes = gunzip(read_file(kData / ("app-go1.15-" + std::string(c.arch) + ".gz")));
    const ElfFile elf(bytes, path);
    EXPECT_EQ(elf.is_64bit(), c.is_64bit);
    EXPECT_EQ(elf.is_big_endian(), c.big_endian);

    const std::vector<Package> packages = parse_go_binary(bytes, path);
    EXPECT_EQ(summary(packages), example_app("v1.15.15"));
    for (const Package& package : packages) {
      EXPECT_EQ(package.ecosystem, eco::kGolang);
      EXPECT_EQ(package.found_in, path);
      EXPECT_TRUE(package.layer.empty() && package.owner.empty());
    }
    EXPECT_EQ(summary(parse_go_binary(without_section_headers(bytes), path)), example_app("v1.15.15"));

    if (have_tool("go")) {
      TempDir dir;
      write_file(dir.path / "app", bytes);
      EXPECT_EQ(summary(packages), expected_from_go_version(dir.path / "app"));
    }
  }
}

TEST(GoBinary, CurrentToolchainInlineLayoutMatchesGoVersionM) {
  if (!have_tool("go")) GTEST_SKIP() << "go is not installed (Debian package golang-go)";
  TempDir dir;
  // The build cache lives in the build tree so that later runs skip compiling the runtime.
  const fs::path cache = fs::path(MOAT_BINARY_DIR) / "go-build-cache";
  struct Build {
    const char* name;
    const char* env;
    const char* flags;
  };
  for (const Build& build : {Build{"amd64", "GOARCH=amd64", ""}, Build{"amd64-pie", "GOARCH=amd64", "-buildmode=pie"},
                             Build{"386", "GOARCH=386", ""},
                             Build{"arm64", "GOARCH=arm64", ""}, Build{"mips", "GOARCH=mips", ""},
                             Build{"s390x", "GOARCH=s390x", ""}}) {
    SCOPED_TRACE(build.name);
    const fs::path binary = dir.path / build.name;
    const std::string command = "cd '" + (kData / "src/app").string() + "' && env " + build.env +
                                " CGO_ENABLED=0 GOFLAGS=-mod=vendor GOPROXY=off GOTOOLCHAIN=local GOCACHE='" +
                                cache.string() + "' GOPATH='" + (dir.path / "gopath").string() +
                                "' go build -trimpath " + build.flags + " -o '" + binary.string() + "' . 2>&1";
    ASSERT_TRUE(run(command).has_value()) << command;
    const std::string bytes = read_file(binary);
    const std::vector<Package> packages = parse_go_binary(bytes, binary.string());
    const std::vector<std::string> expected = expected_from_go_version(binary);
    EXPECT_EQ(summary(packages), expected);
    EXPECT_EQ(summary(packages).size(), 5u);
    EXPECT_EQ(summary(parse_go_binary(without_section_headers(bytes), binary.string())), expected);

    if (have_tool("strip") && std::string_view(build.name).starts_with("amd64")) {
      ASSERT_TRUE(run("strip --strip-all '" + binary.string() + "'").has_value());
      EXPECT_EQ(summary(parse_go_binary(read_file(binary), binary.string())), expected);
    }
  }
}

TEST(GoBinary, DebianSkopeo) {
  const fs::path skopeo = "/usr/bin/skopeo";
  if (!fs::exists(skopeo) || !have_tool("go")) GTEST_SKIP() << "needs Debian packages skopeo and golang-go";
  const std::vector<Package> packages = parse_go_binary(read_file(skopeo), skopeo.string());
  // Debian builds in GOPATH mode: the build info names the toolchain and no modules.
  EXPECT_EQ(summary(packages), expected_from_go_version(skopeo));
  ASSERT_FALSE(packages.empty());
  EXPECT_EQ(packages[0].name, "stdlib");
  EXPECT_TRUE(packages[0].version.starts_with("v1."));
}

// Debian bullseye's skopeo was built by Go 1.15, so its build info uses pointers; the i386 build
// has 4-byte pointers. The .debs are fetched once from Debian's archive into the build tree.
TEST(GoBinary, BullseyeSkopeoPointerLayout) {
  if (!have_tool("curl") || !have_tool("dpkg-deb") || !have_tool("go")) {
    GTEST_SKIP() << "needs curl, dpkg-deb and go";
  }
  const fs::path cache = fs::path(MOAT_BINARY_DIR) / "test-downloads/bullseye-skopeo";
  fs::create_directories(cache);
  for (const std::string arch : {"amd64", "i386"}) {
    SCOPED_TRACE(arch);
    const fs::path root = cache / arch;
    const fs::path binary = root / "usr/bin/skopeo";
    if (!fs::exists(binary)) {
      const fs::path deb = cache / ("skopeo_" + arch + ".deb");
      const std::string url =
          "http://deb.debian.org/debian/pool/main/s/skopeo/skopeo_1.2.2+dfsg1-1+b6_" + arch + ".deb";
      if (!run("curl -fsS -m 120 -o '" + deb.string() + "' '" + url + "'") ||
          !run("dpkg-deb -x '" + deb.string() + "' '" + root.string() + "'")) {
        GTEST_SKIP() << "cannot fetch " << url;
      }
    }
    const std::vector<Package> packages = parse_go_binary(read_file(binary), binary.string());
    EXPECT_EQ(summary(packages), std::vector<std::string>{"stdlib v1.15.9"});
    EXPECT_EQ(summary(packages), expected_from_go_version(binary));
  }
}

TEST(GoBinary, ToolchainVersionAsModuleVersion) {
  EXPECT_EQ(go_toolchain_semver("go1.19.8"), "v1.19.8");
  EXPECT_EQ(go_toolchain_semver("go1.19"), "v1.19.0");
  EXPECT_EQ(go_toolchain_semver("go1"), "v1.0.0");
  EXPECT_EQ(go_toolchain_semver("go1.21rc2"), "v1.21.0-rc.2");
  EXPECT_EQ(go_toolchain_semver("go1.18beta1"), "v1.18.0-beta.1");
  EXPECT_EQ(go_toolchain_semver("go1.9.2rc2"), "v1.9.2-rc.2");
  EXPECT_EQ(go_toolchain_semver("go1.22.0 X:boringcrypto"), "v1.22.0");
  EXPECT_EQ(go_toolchain_semver("devel go1.23-4a5b6c7 Tue Jan 1 00:00:00 2030 +0000"), "");
  EXPECT_EQ(go_toolchain_semver("go1.2.3.4"), "");
  EXPECT_EQ(go_toolchain_semver(""), "");
}

TEST(GoBinary, NotGoGivesNothing) {
  EXPECT_TRUE(parse_go_binary("#!/bin/sh\necho hi\n", "/bin/script").empty());
  EXPECT_TRUE(parse_go_binary("", "/empty").empty());
  for (const char* path : {"/bin/sh", "/usr/bin/env"}) {
    if (fs::exists(path)) {
      EXPECT_TRUE(parse_go_binary(read_file(path), path).empty()) << path;
    }
  }
}

TEST(Elf, LooksLikeElf) {
  EXPECT_TRUE(looks_like_elf("\x7f" "ELF\x02\x01"));
  EXPECT_FALSE(looks_like_elf("\x7f" "EL"));
  EXPECT_FALSE(looks_like_elf("MZ\x90"));
}

TEST(Elf, MalformedHeadersThrow) {
  const std::string good = gunzip(read_file(kData / "app-go1.15-amd64.gz"));
  auto patched = [&](std::size_t offset, std::string_view bytes) {
    std::string copy = good;
    copy.replace(offset, bytes.size(), bytes);
    return copy;
  };
  EXPECT_THROW(ElfFile("\x7f" "ELF", "x"), Error);
  EXPECT_THROW(ElfFile(good.substr(0, 40), "x"), Error);                             // truncated header
  EXPECT_THROW(ElfFile(patched(4, "\x03"), "x"), Error);                             // unknown class
  EXPECT_THROW(ElfFile(patched(5, "\x07"), "x"), Error);                             // unknown byte order
  EXPECT_THROW(ElfFile(patched(40, std::string("\xff\xff\xff\x7f", 4)), "x"), Error);  // e_shoff past the end
  EXPECT_THROW(ElfFile(patched(32, std::string("\x00\x00\x00\x70", 4)), "x"), Error);  // e_phoff past the end
  EXPECT_THROW(ElfFile(patched(58, std::string("\x08\x00", 2)), "x"), Error);          // e_shentsize too small
  EXPECT_THROW(ElfFile(patched(62, std::string("\xf0\x00", 2)), "x"), Error);          // e_shstrndx out of range
  const ElfFile elf(good, "good");
  const std::size_t section_table_end = elf.decode_uint(good.substr(40, 8), 8) + elf.sections().size() * 64;
  EXPECT_THROW(ElfFile(good.substr(0, section_table_end - 1), "x"), Error);
  // The build info section cut in half.
  const ElfSection* build_info = elf.find_section(".go.buildinfo");
  ASSERT_NE(build_info, nullptr);
  EXPECT_THROW(parse_go_binary(good.substr(0, build_info->offset + 16), "x"), Error);
}

// Corruptions of the build info of real binaries, one per check the parser makes.
TEST(GoBinary, CorruptBuildInfoThrows) {
  const std::string old_layout = gunzip(read_file(kData / "app-go1.15-amd64.gz"));
  const std::size_t header = old_layout.find("\xff Go buildinf:");
  ASSERT_NE(header, std::string::npos);
  auto patch = [](std::string bytes, std::size_t offset, std::string_view with) {
    bytes.replace(offset, with.size(), with);
    return bytes;
  };
  EXPECT_THROW(parse_go_binary(patch(old_layout, header + 14, "\x03"), "x"), Error);  // pointer size 3
  EXPECT_THROW(parse_go_binary(patch(old_layout, header + 16, std::string(8, '\x7f')), "x"), Error);
  EXPECT_THROW(parse_go_binary(patch(old_layout, header + 24, std::string(8, '\x7f')), "x"), Error);
  EXPECT_THROW(parse_go_binary(patch(old_layout, header + 15, "\x01"), "x"), Error);  // wrong byte order

  // A module line the Go tool would reject: a replacement with no module before it.
  const std::size_t dep = old_layout.find("dep\texample.com/localc");
  ASSERT_NE(dep, std::string::npos);
  EXPECT_THROW(parse_go_binary(patch(old_layout, dep, "xep"), "x"), Error);
  // A "dep" line with too few fields.
  const std::size_t liba = old_layout.find("\tv1.2.3\t");
  ASSERT_NE(liba, std::string::npos);
  EXPECT_THROW(parse_go_binary(patch(old_layout, liba, "_v1.2.3_"), "x"), Error);

  if (!have_tool("go")) return;
  TempDir dir;
  const fs::path binary = dir.path / "app";
  ASSERT_TRUE(run("cd '" + (kData / "src/app").string() + "' && CGO_ENABLED=0 GOFLAGS=-mod=vendor GOPROXY=off "
                  "GOTOOLCHAIN=local GOCACHE='" + (fs::path(MOAT_BINARY_DIR) / "go-build-cache").string() +
                  "' GOPATH='" + (dir.path / "gopath").string() + "' go build -trimpath -o '" + binary.string() +
                  "' . 2>&1"));
  const std::string inline_layout = read_file(binary);
  const std::size_t inline_header = inline_layout.find("\xff Go buildinf:");
  ASSERT_NE(inline_header, std::string::npos);
  ASSERT_EQ(inline_layout[inline_header + 15] & 2, 2);
  // A string length running past the section, and an unterminated length varint.
  EXPECT_THROW(parse_go_binary(patch(inline_layout, inline_header + 32, "\xff\xff\x7f"), "x"), Error);
  EXPECT_THROW(parse_go_binary(patch(inline_layout, inline_header + 32, std::string(16, '\xff')), "x"), Error);
  EXPECT_THROW(parse_go_binary(patch(inline_layout, inline_header + 32, std::string(1, '\0')), "x"), Error);
}

// Truncations and byte flips across a real binary: each gives packages or moat::Error, never a crash.
TEST(GoBinary, DamagedBinariesNeverCrash) {
  const std::string good = gunzip(read_file(kData / "app-go1.15-386.gz"));
  const std::size_t header = good.find("\xff Go buildinf:");
  std::uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
  for (int round = 0; round < 200; ++round) {
    std::string damaged = good;
    if (round % 4 == 0) damaged.resize(next() % good.size());
    for (int flip = 0; flip < 8; ++flip) {
      // Half the flips aim at the ELF header and build info, where the parser looks.
      const std::size_t at = flip % 2 == 0 ? next() % 64 : header + next() % 64;
      if (at < damaged.size()) damaged[at] = static_cast<char>(next());
    }
    try {
      parse_go_binary(damaged, "damaged");
    } catch (const Error&) {
    }
  }
}

}  // namespace
}  // namespace moat::inventory
