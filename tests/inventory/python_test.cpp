// Python metadata parsing against files written by Debian's setuptools (tests/data/python/make.sh)
// and against every distribution Debian installed on this machine, checked with importlib.metadata.
#include "inventory/python.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "base/error.h"

namespace moat::inventory {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(MOAT_SOURCE_DIR) / "tests/data/python";

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << file;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PythonName, Pep503) {
  EXPECT_EQ(normalize_pypi_name("Friendly-Bard"), "friendly-bard");
  EXPECT_EQ(normalize_pypi_name("FRIENDLY-BARD"), "friendly-bard");
  EXPECT_EQ(normalize_pypi_name("friendly.bard"), "friendly-bard");
  EXPECT_EQ(normalize_pypi_name("friendly_bard"), "friendly-bard");
  EXPECT_EQ(normalize_pypi_name("friendly--bard"), "friendly-bard");
  EXPECT_EQ(normalize_pypi_name("FrIeNdLy-._.-bArD"), "friendly-bard");
  EXPECT_EQ(normalize_pypi_name("zope.interface"), "zope-interface");
}

TEST(PythonMetadata, SetuptoolsEggInfo) {
  const auto p = parse_python_metadata(read(kData / "oneline.PKG-INFO"),
                                       "/usr/lib/python3/dist-packages/x.egg-info/PKG-INFO");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ecosystem, eco::kPypi);
  EXPECT_EQ(p->name, "moat-sample-pkg");
  EXPECT_EQ(p->version, "1.2.3");
  EXPECT_EQ(p->license, "MIT");
  EXPECT_EQ(p->found_in, "/usr/lib/python3/dist-packages/x.egg-info/PKG-INFO");
  EXPECT_TRUE(p->layer.empty() && p->owner.empty());
}

// License holds the licence text over continuation lines; the classifiers name it instead. The
// description after the blank line imitates headers and must not be read as such.
TEST(PythonMetadata, WheelWithLicenceTextAndDescription) {
  const auto p = parse_python_metadata(read(kData / "multiline.METADATA"), "METADATA");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "twolic");
  EXPECT_EQ(p->version, "0.9.0rc1");
  EXPECT_EQ(p->license, "Apache Software License, BSD License");
}

TEST(PythonMetadata, LicenseChoices) {
  auto license = [](const std::string& headers) {
    const auto p =
        parse_python_metadata("Metadata-Version: 2.4\nName: a\nVersion: 1\n" + headers, "M");
    return p ? p->license : "<none>";
  };
  // Metadata 2.4 (PEP 639): the SPDX expression wins over everything else.
  EXPECT_EQ(license("License-Expression: MIT OR Apache-2.0\nLicense: BSD\n"
                    "Classifier: License :: OSI Approved :: BSD License\n"),
            "MIT OR Apache-2.0");
  EXPECT_EQ(license("License: BSD\nClassifier: License :: OSI Approved :: MIT License\n"), "BSD");
  EXPECT_EQ(license("License: UNKNOWN\nClassifier: License :: OSI Approved\n"
                    "Classifier: License :: OSI Approved :: MIT License\n"),
            "MIT License");
  EXPECT_EQ(license("Classifier: License :: Public Domain\n"), "Public Domain");
  EXPECT_EQ(license("License: first line\n  second line\n"), "first line");
  EXPECT_EQ(license("Classifier: Programming Language :: Python\n"), "");
}

TEST(PythonMetadata, HeaderSyntax) {
  // Field names are case-insensitive, the first occurrence wins, CRLF and a BOM are fine.
  const auto p = parse_python_metadata(
      "\xEF\xBB\xBFmetadata-version: 1.0\r\nNAME:   Some_Thing  \r\nversion: 2.0\r\nName: "
      "other\r\n\r\n",
      "PKG-INFO");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "some-thing");
  EXPECT_EQ(p->version, "2.0");
  // The headers end at a line that is no header, as in Python's email parser.
  EXPECT_THROW(parse_python_metadata("Name: a\nthis is prose\nVersion: 1\n", "M"), moat::Error);
}

TEST(PythonMetadata, SetuptoolsPlaceholderIsNoPackage) {
  EXPECT_FALSE(
      parse_python_metadata("Metadata-Version: 2.1\nName: UNKNOWN\nVersion: 0.0.0\n", "M"));
}

TEST(PythonMetadata, Malformed) {
  for (const char* bad :
       {"", "\n", "\x01\x02", "Name: a\n", "Version: 1\n", "\nName: a\nVersion: 1\n",
        "Name: a/b\nVersion: 1\n", "Name: -a\nVersion: 1\n", "Name: a\nVersion: 1 2\n",
        "Name: a b\nVersion: 1\n", "  Name: a\nVersion: 1\n", "Name: \xff\nVersion: 1\n"}) {
    EXPECT_THROW(parse_python_metadata(bad, "bad/METADATA"), moat::Error) << bad;
  }
  EXPECT_THROW(parse_python_metadata(std::string("\0\1\2", 3), "bad/METADATA"), moat::Error);
  std::string long_name = "Name: " + std::string(1 << 20, 'a') + "!\nVersion: 1\n";
  try {
    parse_python_metadata(long_name, "bad/METADATA");
    ADD_FAILURE() << "accepted";
  } catch (const moat::Error& e) {
    EXPECT_LT(std::string(e.what()).size(), 200u) << "the message quotes a bounded excerpt";
  }
}

// --- Debian's own Python distributions ----------------------------------------------------------

std::optional<std::string> run(const std::string& command) {
  std::array<char, 4096> buffer{};
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  if (pclose(pipe) != 0) return std::nullopt;
  return output;
}

// Each distribution's metadata file: dist-info/METADATA, egg-info/PKG-INFO, or an egg-info file.
std::vector<fs::path> metadata_files(const fs::path& site) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(site)) {
    const fs::path& p = entry.path();
    if (p.extension() == ".dist-info" && fs::exists(p / "METADATA"))
      files.push_back(p / "METADATA");
    if (p.extension() == ".egg-info") {
      if (entry.is_directory() && fs::exists(p / "PKG-INFO")) files.push_back(p / "PKG-INFO");
      if (entry.is_regular_file()) files.push_back(p);
    }
  }
  return files;
}

TEST(PythonMetadata, DebianDistPackagesMatchImportlib) {
  const fs::path site = "/usr/lib/python3/dist-packages";
  const std::string python = "/usr/bin/python3";
  if (!fs::exists(python) || !fs::is_directory(site)) {
    GTEST_SKIP() << "Debian's python3 is not installed (apt-get install python3)";
  }
  // importlib reads the same files; PEP 503's own normalisation, name<TAB>version per line.
  const auto listed = run(python + R"( -c '
import importlib.metadata as m, re
for d in m.distributions(path=[")" +
                          site.string() + R"("]):
    print(re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower() + "\t" + d.version)
')");
  ASSERT_TRUE(listed) << "python3 failed";
  std::multiset<std::string> expected;
  std::istringstream lines(*listed);
  for (std::string line; std::getline(lines, line);) expected.insert(line);

  const std::vector<fs::path> files = metadata_files(site);
  if (files.empty()) {
    GTEST_SKIP() << "no Python distributions in " << site << " (apt-get install python3-requests)";
  }
  std::multiset<std::string> parsed;
  for (const auto& file : files) {
    const auto p = parse_python_metadata(read(file), file.string());
    ASSERT_TRUE(p) << file;
    EXPECT_EQ(p->found_in, file.string());
    parsed.insert(p->name + "\t" + p->version);
  }
  EXPECT_EQ(parsed, expected);
}

}  // namespace
}  // namespace moat::inventory
