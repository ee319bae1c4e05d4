// Java archive identification against archives built by the JDK's `jar` tool from Debian's jars
// (tests/data/java/make.sh), against every jar Debian installed in /usr/share/java (checked with
// unzip), and against hostile zips written here with libarchive.
#include "inventory/java.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/error.h"

namespace moat::inventory {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(MOAT_SOURCE_DIR) / "tests/data/java";
const fs::path kDebianJars = "/usr/share/java";

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << file;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs a shell command; returns its standard output, or nullopt when it exits non-zero.
std::optional<std::string> run(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  while (const auto n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  if (pclose(pipe) != 0) return std::nullopt;
  return out;
}

bool have(const std::string& tool) { return run("command -v " + tool + " >/dev/null 2>&1").has_value(); }

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// A zip written in memory by libarchive; each entry is {name, content}.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  archive_write_open(
      a, &out, nullptr,
      [](archive*, void* data, const void* buf, size_t n) -> la_ssize_t {
        static_cast<std::string*>(data)->append(static_cast<const char*>(buf), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
  for (const auto& [name, content] : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_write_header(a, e);
    archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

using Found = std::tuple<std::string, std::string, std::string>;  // name, version, found_in

std::vector<Found> found(const std::vector<Package>& packages) {
  std::vector<Found> out;
  for (const auto& p : packages) {
    EXPECT_EQ(p.ecosystem, eco::kMaven);
    EXPECT_TRUE(p.layer.empty() && p.owner.empty());
    out.emplace_back(p.name, p.version, p.found_in);
  }
  return out;
}

// What sample.ear holds (see tests/data/java/make.sh), outer archive first, nested in entry order.
void expect_sample_ear(const std::vector<Package>& packages, const std::string& ear) {
  const std::string war = ear + "!/shop-1.1.war";
  const std::string lib = war + "!/WEB-INF/lib/";
  const std::set<Found> expected = {
      {"com.example:sample-ear", "1.0.0", ear},
      {"commons-cli:commons-cli", "1.5.0", ear + "!/lib/commons-cli-1.5.0.jar"},
      {"shop", "1.1", war},  // the war has no metadata: its file name speaks
      {"org.slf4j:slf4j-api", "1.7.32", lib + "slf4j-api-1.7.32.jar"},
      {"jsr305", "0.1~+svn49", lib + "jsr305-0.1~+svn49.jar"},
      {"aopalliance", "1.0", lib + "aopalliance-1.0.jar"},
      // The fat jar: both shaded libraries, and its own manifest identity since no pom is its own.
      {"commons-io:commons-io", "2.11.0", lib + "fat-app-2.0.jar"},
      {"commons-cli:commons-cli", "1.5.0", lib + "fat-app-2.0.jar"},
      {"com.example:fat-app", "2.0", lib + "fat-app-2.0.jar"},
  };
  const auto got = found(packages);
  EXPECT_EQ(std::set<Found>(got.begin(), got.end()), expected);
  EXPECT_EQ(got.size(), expected.size()) << "duplicates reported";
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(std::get<2>(got.front()), ear) << "the outer archive comes first";
}

TEST(JavaArchive, Paths) {
  for (const char* yes : {"a.jar", "/opt/app/x.WAR", "b.ear", "plugin.jpi", "plugins/git.HPI", "A.Jar"}) {
    EXPECT_TRUE(is_java_archive_path(yes)) << yes;
  }
  for (const char* no : {"jar", ".ja", "a.jar.sha1", "a.zip", "a.class", "MANIFEST.MF", ""}) {
    EXPECT_FALSE(is_java_archive_path(no)) << no;
  }
}

TEST(JavaArchive, CommittedEarBuiltByJarTool) {
  const std::string ear = "/srv/app/sample.ear";
  expect_sample_ear(parse_java_archive(read(kData / "sample.ear"), ear), ear);
}

// The same archive rebuilt now with this machine's JDK and Debian jars.
TEST(JavaArchive, EarBuiltNowByJarTool) {
  if (!have("jar")) GTEST_SKIP() << "no `jar` tool (Debian package default-jdk-headless)";
  for (const char* jar : {"commons-io-2.11.0.jar", "commons-cli-1.5.0.jar", "slf4j-api-1.7.32.jar",
                          "jsr305-0.1~+svn49.jar", "aopalliance-1.0.jar"}) {
    if (!fs::exists(kDebianJars / jar)) GTEST_SKIP() << "Debian jar " << jar << " is not installed";
  }
  const fs::path dir = fs::temp_directory_path() / ("moat-java-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  ASSERT_TRUE(run("sh " + quote((kData / "make.sh").string()) + " " + quote(dir.string())));
  const std::string ear = (dir / "sample.ear").string();
  expect_sample_ear(parse_java_archive(read(ear), ear), ear);
  fs::remove_all(dir);
}

// Every jar Debian installed: each pom.properties it holds must be reported with the groupId,
// artifactId and version that unzip reads from it, and a jar without any is still identified.
TEST(JavaArchive, EveryDebianJarAgainstUnzip) {
  if (!have("unzip")) GTEST_SKIP() << "no unzip (Debian package unzip) to read the jars independently";
  if (!fs::is_directory(kDebianJars)) GTEST_SKIP() << "no " << kDebianJars;
  int jars = 0;
  int poms = 0;
  for (const auto& entry : fs::directory_iterator(kDebianJars)) {
    if (entry.is_symlink() || !entry.is_regular_file() || !is_java_archive_path(entry.path().string())) continue;
    const std::string path = entry.path().string();
    SCOPED_TRACE(path);
    ++jars;
    std::set<std::pair<std::string, std::string>> reported;
    for (const auto& p : parse_java_archive(read(path), path)) {
      EXPECT_EQ(p.found_in, path);
      reported.emplace(p.name, p.version);
    }
    // Debian's gettext.jar says no version anywhere; a versioned file name always gives one.
    if (entry.path().filename().string().find_first_of("0123456789") != std::string::npos) {
      EXPECT_FALSE(reported.empty());
    }
    const auto listing = run("unzip -Z1 " + quote(path) + " 'META-INF/maven/*/*/pom.properties' 2>/dev/null");
    std::istringstream lines(listing.value_or(""));
    for (std::string name; std::getline(lines, name);) {
      const auto text = run("unzip -p " + quote(path) + " " + quote(name));
      ASSERT_TRUE(text);
      std::map<std::string, std::string> props;
      std::istringstream in(*text);
      for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (const auto eq = line.find('='); eq != std::string::npos && line[0] != '#') {
          props[line.substr(0, eq)] = line.substr(eq + 1);
        }
      }
      EXPECT_TRUE(reported.contains({props["groupId"] + ":" + props["artifactId"], props["version"]})) << name;
      ++poms;
    }
  }
  if (jars == 0) GTEST_SKIP() << "no jars installed in " << kDebianJars;
  RecordProperty("jars", jars);
  RecordProperty("pom_properties", poms);
}

// Real Debian jars whose identity comes from somewhere other than one pom.properties of their own.
TEST(JavaArchive, DebianJarsWithoutTheirOwnPom) {
  const auto parse = [](const char* name) -> std::optional<std::set<std::pair<std::string, std::string>>> {
    const fs::path path = kDebianJars / name;
    if (!fs::exists(path)) return std::nullopt;
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& p : parse_java_archive(read(path), path.string())) out.emplace(p.name, p.version);
    return out;
  };
  int checked = 0;
  // guice carries only the pom.properties of the cglib it shades; its own version is in the manifest.
  if (const auto guice = parse("guice-4.2.3.jar")) {
    using Set = std::set<std::pair<std::string, std::string>>;
    EXPECT_EQ(*guice, (Set{{"cglib:cglib", "3.2.12"}, {"guice", "4.2.3"}}));
    ++checked;
  }
  // A shaded jar: five pom.properties, one of them (same version) its own.
  if (const auto wagon = parse("wagon-http-shaded-3.5.3.jar")) {
    EXPECT_EQ(wagon->size(), 5U);
    EXPECT_TRUE(wagon->contains({"org.apache.maven.wagon:wagon-http", "3.5.3"}));
    EXPECT_TRUE(wagon->contains({"org.apache.httpcomponents:httpclient", "4.5.14"}));
    ++checked;
  }
  // Manifest only: Bundle-SymbolicName org.hamcrest names the groupId.
  if (const auto hamcrest = parse("hamcrest-2.2.jar")) {
    EXPECT_EQ(*hamcrest, (std::set<std::pair<std::string, std::string>>{{"org.hamcrest:hamcrest", "2.2"}}));
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "Debian packages libguice-java, libwagon-http-java, libhamcrest-java not installed";
}

TEST(JavaArchive, ManifestAndPropertiesSyntax) {
  const std::string manifest =
      "Manifest-Version: 1.0\r\n"
      "implementation-vendor-id: org.example\r\n"
      "Implementation-Title: Example Thing\r\n"
      "Implementation-Version: 4.5.\r\n"
      " 6-SNAPSHOT\r\n"
      "\r\n"
      "Name: org/example/\r\n"
      "Implementation-Version: 9.9\r\n";
  auto got = found(parse_java_archive(make_zip({{"META-INF/MANIFEST.MF", manifest}}), "thing.jar"));
  EXPECT_EQ(got, (std::vector<Found>{{"org.example:thing", "4.5.6-SNAPSHOT", "thing.jar"}}));

  const std::string props =
      "#Generated by Maven\n"
      "! another comment\n"
      "groupId = org.example\n"
      "artifactId:long\\\n"
      "    -name\n"
      "version 1.0\\:final\n";
  got = found(parse_java_archive(make_zip({{"META-INF/maven/g/a/pom.properties", props}}), "long-name.jar"));
  EXPECT_EQ(got, (std::vector<Found>{{"org.example:long-name", "1.0:final", "long-name.jar"}}));

  // No metadata and no version in the file name: nothing to report, not an error.
  EXPECT_TRUE(parse_java_archive(make_zip({{"a/B.class", "x"}}), "app.jar").empty());
  // A pom.properties without a version is no identity; the file name still is.
  got = found(parse_java_archive(make_zip({{"META-INF/maven/g/a/pom.properties", "groupId=g\nartifactId=a\n"}}),
                                 "lib/a-2.1.jar"));
  EXPECT_EQ(got, (std::vector<Found>{{"a", "2.1", "lib/a-2.1.jar"}}));
}

TEST(JavaArchive, MalformedArchivesAreErrors) {
  const std::string good = read(kData / "sample.ear");
  for (const std::string& bad : {std::string(), std::string("PK\x03\x04", 4), std::string(1000, 'x'),
                                 good.substr(0, good.size() / 2), good.substr(good.size() / 2)}) {
    EXPECT_THROW(parse_java_archive(bad, "bad.jar"), Error);
  }
  // A corrupt jar inside a good one is reported with its nested path.
  try {
    parse_java_archive(make_zip({{"WEB-INF/lib/broken.jar", "not a zip"}}), "app.war");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("app.war!/WEB-INF/lib/broken.jar"), std::string::npos) << e.what();
  }
  // Corrupt compressed data in an entry that is read.
  std::string flipped = make_zip({{"META-INF/MANIFEST.MF", std::string(5000, 'a') + "Implementation-Version: 1\n"}});
  const auto at = flipped.find("META-INF/MANIFEST.MF") + 24;
  for (std::size_t i = at; i < at + 8 && i < flipped.size(); ++i) flipped[i] = static_cast<char>(~flipped[i]);
  EXPECT_THROW(parse_java_archive(flipped, "flipped.jar"), Error);
}

TEST(JavaArchive, NestingIsBounded) {
  std::string inner = make_zip({{"META-INF/maven/g/a/pom.properties", "groupId=g\nartifactId=a\nversion=1\n"}});
  for (int level = 0; level < 8; ++level) inner = make_zip({{"lib/inner.jar", inner}});
  EXPECT_EQ(parse_java_archive(inner, "deep.jar").size(), 1U);  // 8 levels of nesting are fine
  for (int level = 0; level < 4; ++level) inner = make_zip({{"lib/inner.jar", inner}});
  EXPECT_THROW(parse_java_archive(inner, "deeper.jar"), Error);
}

// 600 MiB of zeros deflate to well under a MiB: reading a nested jar that big must stop.
TEST(JavaArchive, DecompressionBombIsBounded) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  archive_write_set_options(a, "zip:compression-level=1");
  archive_write_open(
      a, &out, nullptr,
      [](archive*, void* data, const void* buf, size_t n) -> la_ssize_t {
        static_cast<std::string*>(data)->append(static_cast<const char*>(buf), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, "BOOT-INF/lib/bomb.jar");
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_size(e, la_int64_t{600} << 20);
  archive_write_header(a, e);
  const std::string zeros(1 << 20, '\0');
  for (int i = 0; i < 600; ++i) archive_write_data(a, zeros.data(), zeros.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  ASSERT_LT(out.size(), std::size_t{4} << 20);
  EXPECT_THROW(parse_java_archive(out, "bomb.jar"), Error);
}

}  // namespace
}  // namespace moat::inventory
