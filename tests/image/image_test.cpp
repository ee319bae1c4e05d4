#include "image/image.h"

#include <gtest/gtest.h>

#include <fstream>

#include "base/error.h"
#include "image/entries.h"
#include "support/image_builder.h"

namespace {

using moat::image::Image;
using moat::image::Platform;
using moat::test::TarBuilder;

std::vector<TarBuilder> two_layers() {
  TarBuilder a, b;
  a.file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n").file("bin/sh", "ELF");
  b.file("app/main.js", "console.log(1)\n").file("bin/.wh.sh", "");
  return {a, b};
}

size_t count_entries(const Image& img, size_t layer) {
  auto src = moat::image::open_layer_entries(img.open_layer(layer), "layer");
  moat::image::FileEntry e;
  size_t n = 0;
  char buf[4096];
  while (src->next(e)) {
    while (src->read(buf, sizeof buf) > 0) {
    }
    ++n;
  }
  return n;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const moat::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(Image, OpensLegacyDockerArchive) {
  moat::test::TempDir dir;
  std::string path = moat::test::write_docker_archive(dir, "img.tar", two_layers());
  auto img = Image::open(path, Platform{});
  const auto& m = img->metadata();
  EXPECT_EQ(m.format, "docker-archive");
  ASSERT_EQ(m.layers.size(), 2u);
  EXPECT_EQ(m.repo_tags, std::vector<std::string>{"test:latest"});
  EXPECT_EQ(m.layers[1].created_by, "layer 2");
  EXPECT_EQ(m.layers[0].blob_digest, m.layers[0].diff_id);  // uncompressed: verified against diff id
  EXPECT_EQ(count_entries(*img, 0), 2u);
  EXPECT_EQ(count_entries(*img, 1), 2u);
}

TEST(Image, OpensOciLayoutDirectoryWithEveryCompression) {
  for (const char* compression : {"", "gzip", "zstd"}) {
    SCOPED_TRACE(compression);
    moat::test::TempDir dir;
    moat::test::write_oci_layout(dir, "oci", two_layers(), compression);
    auto img = Image::open(dir.str() + "/oci", Platform{});
    EXPECT_EQ(img->metadata().format, "oci-layout");
    EXPECT_EQ(img->metadata().repo_tags, std::vector<std::string>{"test:latest"});
    EXPECT_EQ(count_entries(*img, 1), 2u);
  }
}

TEST(Image, PicksThePlatformFromAnIndex) {
  moat::test::TempDir dir;
  std::string amd = moat::test::write_oci_layout(dir, "oci", two_layers(), "gzip", "amd64", false);
  TarBuilder arm;
  arm.file("etc/os-release", "ID=alpine\n");
  std::string armm = moat::test::write_oci_layout(dir, "oci", {arm}, "gzip", "arm64", false);
  nlohmann::json index = {
      {"schemaVersion", 2},
      {"manifests",
       {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
         {"digest", moat::sha256_digest(amd)},
         {"size", amd.size()},
         {"platform", {{"os", "linux"}, {"architecture", "amd64"}}}},
        {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
         {"digest", moat::sha256_digest(armm)},
         {"size", armm.size()},
         {"platform", {{"os", "linux"}, {"architecture", "arm64"}}}}}}};
  dir.write("oci/index.json", index.dump());
  EXPECT_EQ(Image::open(dir.str() + "/oci", Platform{})->metadata().architecture, "amd64");
  auto arm_img = Image::open(dir.str() + "/oci", Platform::parse("linux/arm64"));
  EXPECT_EQ(arm_img->metadata().architecture, "arm64");
  EXPECT_EQ(arm_img->metadata().layers.size(), 1u);
  EXPECT_NE(error_of([&] { Image::open(dir.str() + "/oci", Platform::parse("linux/s390x")); })
                .find("no image for platform linux/s390x (offered: linux/amd64, linux/arm64)"),
            std::string::npos);
}

TEST(Image, TamperedLayerFailsItsDigestCheck) {
  moat::test::TempDir dir;
  std::string path = moat::test::write_docker_archive(dir, "img.tar", two_layers());
  auto img = Image::open(path, Platform{});
  // Rewrite the first layer's bytes in place: same length, different content.
  std::string data;
  {
    std::ifstream in(path, std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(in), {});
  }
  size_t at = data.find("ID=debian");
  ASSERT_NE(at, std::string::npos);
  data[at] = 'X';
  std::ofstream(path, std::ios::binary) << data;
  auto tampered = Image::open(path, Platform{});
  EXPECT_NE(error_of([&] { count_entries(*tampered, 0); }).find("does not match"), std::string::npos);
}

TEST(Image, MalformedMetadataGivesOneClearError) {
  moat::test::TempDir dir;
  TarBuilder bad_json;
  bad_json.file("manifest.json", "[{\"Config\": ");
  std::string p1 = dir.write("a.tar", bad_json.build()).string();
  EXPECT_NE(error_of([&] { Image::open(p1, Platform{}); }).find("a.tar:manifest.json: malformed JSON"), std::string::npos);

  TarBuilder missing_layer;
  missing_layer.file("manifest.json", R"([{"Config":"c.json","Layers":["nope/layer.tar"]}])");
  std::string p2 = dir.write("b.tar", missing_layer.build()).string();
  EXPECT_NE(error_of([&] { Image::open(p2, Platform{}); }).find("missing from the archive"), std::string::npos);

  TarBuilder escape;
  escape.file("manifest.json", R"([{"Config":"../../etc/passwd","Layers":[]}])");
  std::string p3 = dir.write("c.tar", escape.build()).string();
  EXPECT_NE(error_of([&] { Image::open(p3, Platform{}); }).find("climbs out"), std::string::npos);

  std::string p4 = dir.write("d.tar", "not a tar at all").string();
  EXPECT_NE(error_of([&] { Image::open(p4, Platform{}); }).find("truncated tar archive"), std::string::npos);

  std::string full = moat::test::write_docker_archive(dir, "e.tar", two_layers());
  std::string data;
  {
    std::ifstream in(full, std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string p5 = dir.write("f.tar", data.substr(0, data.size() / 3)).string();
  EXPECT_NE(error_of([&] { Image::open(p5, Platform{}); }), "no error");
}

TEST(Image, ArchiveSymlinkLoopIsAnError) {
  moat::test::TempDir dir;
  TarBuilder t;
  t.symlink("manifest.json", "a").symlink("a", "manifest.json");
  std::string p = dir.write("loop.tar", t.build()).string();
  EXPECT_NE(error_of([&] { Image::open(p, Platform{}); }).find("link loop"), std::string::npos);
}
