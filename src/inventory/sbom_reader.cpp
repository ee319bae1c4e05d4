#include "inventory/sbom_reader.h"

#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "base/error.h"
#include "base/text.h"
#include "inventory/purl_parse.h"

namespace moat::inventory {
namespace {

using json = nlohmann::json;

// Real SBOMs of large images are tens of megabytes and a few levels deep (CycloneDX nests
// components, two JSON levels each); the limits leave room for those and stop hostile documents
// before the parser builds them.
constexpr std::size_t kMaxBytes = std::size_t{256} << 20;
constexpr int kMaxDepth = 100;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// PEP 503: the same Python project however its name is spelt.
std::string pypi_normal(std::string_view name) {
  std::string out;
  for (char c : ascii_lower(name)) {
    const bool sep = c == '-' || c == '_' || c == '.';
    if (sep && !out.empty() && out.back() == '-') continue;
    out += sep ? '-' : c;
  }
  return out;
}

bool is_os_ecosystem(std::string_view eco) { return eco == eco::kDeb || eco == eco::kApk || eco == eco::kRpm; }

// What a document says about a package besides its purl, gathered from each tool's conventions.
struct Hints {
  std::string name;     // the component's own spelling of the name (purls may be normalised)
  std::string version;  // used only when the purl has none
  std::string license;
  std::string source_name;
  std::string source_version;
  std::string source_rpm;  // "NAME-VERSION-RELEASE.src.rpm"
  std::string found_in;
  std::string layer;
  std::string owner;
  bool dev = false;
};

using Facts = std::map<std::string, std::string>;  // property name → first value

std::string first_of(const Facts& facts, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (const auto it = facts.find(name); it != facts.end() && !it->second.empty()) return it->second;
  }
  return {};
}

// moat's own facts first (sbom::facts in src/report), then Trivy's, then Syft's.
void add_fact_hints(const Facts& facts, Hints& h) {
  h.source_name = first_of(
      facts, {"moat:source_name", "aquasecurity:trivy:SrcName", "syft:metadata:source", "syft:metadata:originPackage"});
  h.source_version = first_of(facts, {"moat:source_version", "syft:metadata:sourceVersion"});
  if (const std::string version = first_of(facts, {"aquasecurity:trivy:SrcVersion"});
      h.source_version.empty() && !version.empty()) {
    // Trivy splits the source version like an rpm: [SrcEpoch:]SrcVersion[-SrcRelease].
    const std::string epoch = first_of(facts, {"aquasecurity:trivy:SrcEpoch"});
    const std::string release = first_of(facts, {"aquasecurity:trivy:SrcRelease"});
    h.source_version =
        (epoch.empty() || epoch == "0" ? "" : epoch + ":") + version + (release.empty() ? "" : "-" + release);
  }
  h.source_rpm = first_of(facts, {"syft:metadata:sourceRpm"});
  h.found_in = first_of(facts, {"moat:found_in", "aquasecurity:trivy:FilePath", "syft:location:0:path"});
  h.layer = first_of(facts, {"moat:layer", "aquasecurity:trivy:LayerDiffID", "syft:location:0:layerID"});
  h.owner = first_of(facts, {"moat:owner"});
  h.dev = first_of(facts, {"moat:dev"}) == "true";
}

// "debian-12", "alpine-3.19.1", "rhel-9.3", "debian-bookworm": the distro= qualifier.
OsRelease os_from_distro(std::string_view distro) {
  OsRelease os;
  const auto dash = distro.rfind('-');
  os.id = ascii_lower(distro.substr(0, dash));
  if (dash != std::string_view::npos) {
    const std::string_view release = distro.substr(dash + 1);
    (!release.empty() && is_digit(release[0]) ? os.version_id : os.codename) = release;
  }
  return os;
}

// Trivy reports Debian's point release from /etc/debian_version ("12.15"); os-release, which moat
// reads and advisories are keyed by, says "12".
void normalise_os(OsRelease& os) {
  if (os.id == "debian") {
    if (const auto dot = os.version_id.find('.'); dot != std::string::npos && dot > 0 && is_digit(os.version_id[0]))
      os.version_id.resize(dot);
  }
}

class Reader {
 public:
  explicit Reader(std::string_view path) : path_(path) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    moat::fail(path_, where.empty() ? what : where + ": " + what);
  }

  // A member that must be a string when present; "" when absent or null.
  std::string text(const json& obj, const char* key, const std::string& where) const {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return {};
    if (!it->is_string()) fail(where, std::string("\"") + key + "\" is not a string");
    return it->get<std::string>();
  }
  std::string required_text(const json& obj, const char* key, const std::string& where) const {
    std::string value = text(obj, key, where);
    if (value.empty()) fail(where, std::string("has no \"") + key + "\"");
    return value;
  }
  // A member that must be an array of objects when present; nullptr when absent or null.
  const json* objects(const json& obj, const char* key, const std::string& where) const {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    if (!it->is_array()) fail(where, std::string("\"") + key + "\" is not an array");
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_object())
        fail(where, std::string("\"") + key + "\"[" + std::to_string(i) + "] is not an object");
    }
    return &*it;
  }
  const json* object(const json& obj, const char* key, const std::string& where) const {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    if (!it->is_object()) fail(where, std::string("\"") + key + "\" is not an object");
    return &*it;
  }

  // One package from its purl and hints; `counted` is false for the document's own subject.
  void add(const std::string& purl_text, Hints hints, const std::string& where, bool counted) {
    PurlParts purl;
    try {
      purl = parse_purl(purl_text);
    } catch (const Error& e) {
      if (counted) out_.warnings.push_back(path_ + ": " + where + ": " + e.what());
      return;
    }
    // The source package as other tools record it, unless the purl's upstream= already says.
    if (is_os_ecosystem(purl.type) && purl.qualifiers.count("upstream") == 0) {
      if (!hints.source_name.empty()) {
        purl.qualifiers["upstream"] =
            hints.source_version.empty() ? hints.source_name : hints.source_name + "@" + hints.source_version;
      } else if (purl.type == eco::kRpm && !hints.source_rpm.empty()) {
        purl.qualifiers["upstream"] = hints.source_rpm;
      }
    }
    std::optional<Package> found = package_from_purl(purl);
    if (!found) {
      if (counted) ++out_.unsupported_purl;
      return;
    }
    Package& p = *found;
    if (p.version.empty()) p.version = hints.version;
    // Purl writers lowercase names the ecosystem keeps the case of (Go module paths, PyPI
    // projects); the component's own name, when it is the same package, is the better spelling.
    if (!hints.name.empty() && !is_os_ecosystem(p.ecosystem) && hints.name != p.name) {
      const bool same = p.ecosystem == eco::kPypi ? pypi_normal(hints.name) == pypi_normal(p.name)
                                                  : ascii_lower(hints.name) == ascii_lower(p.name);
      if (same) p.name = hints.name;
    }
    p.license = std::move(hints.license);
    p.found_in = std::move(hints.found_in);
    p.layer = std::move(hints.layer);
    p.owner = std::move(hints.owner);
    p.dev = hints.dev;
    if (is_os_ecosystem(p.ecosystem) && distro_.empty()) {
      if (const auto it = purl.qualifiers.find("distro"); it != purl.qualifiers.end()) distro_ = it->second;
    }
    out_.inventory.packages.push_back(std::move(p));
  }

  void set_os(OsRelease os) {
    if (out_.inventory.os || os.id.empty()) return;
    normalise_os(os);
    out_.inventory.os = std::move(os);
  }

  SbomContents finish(std::string format) && {
    if (!out_.inventory.os && !distro_.empty()) set_os(os_from_distro(distro_));
    out_.inventory.target = path_;
    out_.inventory.kind = "sbom";
    out_.format = std::move(format);
    return std::move(out_);
  }

  SbomContents& out() { return out_; }

 private:
  std::string path_;
  SbomContents out_;
  std::string distro_;  // the first OS package's distro= qualifier
};

// ---- CycloneDX ----

class CycloneDxReader {
 public:
  explicit CycloneDxReader(Reader& r) : r_(r) {}

  void component(const json& c, const std::string& where, bool counted) {
    // Every field is checked whether or not the component turns out to be a package.
    const std::string type = r_.required_text(c, "type", where);
    const std::string name = r_.required_text(c, "name", where);
    const std::string group = r_.text(c, "group", where);
    const std::string purl = r_.text(c, "purl", where);
    const Facts facts = properties(c, where);
    Hints hints;
    hints.version = r_.text(c, "version", where);
    hints.license = licenses(c, where);
    if (type == "operating-system") {
      operating_system(c, facts, where);
    } else if (!purl.empty()) {
      add_fact_hints(facts, hints);
      hints.name = group.empty() ? name : group + (purl.starts_with("pkg:maven/") ? ":" : "/") + name;
      r_.add(purl, std::move(hints), where, counted);
    } else if (counted && (type == "library" || type == "framework")) {
      ++r_.out().without_purl;
    }
    if (const json* children = r_.objects(c, "components", where)) {
      for (std::size_t i = 0; i < children->size(); ++i)
        component((*children)[i], where + ".components[" + std::to_string(i) + "]", true);
    }
  }

 private:
  Facts properties(const json& c, const std::string& where) {
    Facts facts;
    if (const json* props = r_.objects(c, "properties", where)) {
      for (const auto& p : *props) facts.emplace(r_.text(p, "name", where), r_.text(p, "value", where));
    }
    return facts;
  }

  // Several licences are all declared, hence AND; each kept as written.
  std::string licenses(const json& c, const std::string& where) {
    const json* list = r_.objects(c, "licenses", where);
    if (!list) return {};
    std::vector<std::string> parts;
    for (const auto& entry : *list) {
      std::string part = r_.text(entry, "expression", where);
      if (const json* license = r_.object(entry, "license", where); license && part.empty()) {
        part = r_.text(*license, "id", where);
        if (part.empty()) part = r_.text(*license, "name", where);
      }
      if (!part.empty()) parts.push_back(std::move(part));
    }
    if (parts.size() == 1) return parts[0];
    std::string out;
    for (const auto& part : parts) {
      if (!out.empty()) out += " AND ";
      out += part.find(' ') == std::string::npos ? part : "(" + part + ")";
    }
    return out;
  }

  // Syft records os-release's fields as properties; others only name and version.
  void operating_system(const json& c, const Facts& facts, const std::string& where) {
    OsRelease os;
    os.id = ascii_lower(first_of(facts, {"syft:distro:id"}));
    if (os.id.empty()) os.id = ascii_lower(r_.text(c, "name", where));
    os.version_id = first_of(facts, {"syft:distro:versionID"});
    if (os.version_id.empty()) os.version_id = r_.text(c, "version", where);
    os.pretty_name = first_of(facts, {"syft:distro:prettyName"});
    if (os.pretty_name.empty()) os.pretty_name = r_.text(c, "description", where);
    os.codename = first_of(facts, {"syft:distro:versionCodename"});
    r_.set_os(std::move(os));
  }

  Reader& r_;
};

SbomContents read_cyclonedx(const json& doc, Reader r) {
  if (r.text(doc, "bomFormat", "") != "CycloneDX") r.fail("", "\"bomFormat\" is not \"CycloneDX\"");
  const std::string spec = r.required_text(doc, "specVersion", "");
  static const std::set<std::string> kSupported = {"1.2", "1.3", "1.4", "1.5", "1.6"};
  if (kSupported.count(spec) == 0)
    r.fail("", "unsupported CycloneDX specVersion \"" + spec + "\" (1.2 to 1.6 are read)");
  CycloneDxReader cdx(r);
  if (const json* metadata = r.object(doc, "metadata", "metadata")) {
    // The document's subject: a package only when it has a purl moat matches (an application's
    // own SBOM), not worth a warning otherwise (an image's pkg:oci).
    if (const json* subject = r.object(*metadata, "component", "metadata"))
      cdx.component(*subject, "metadata.component", false);
  }
  if (const json* components = r.objects(doc, "components", "")) {
    for (std::size_t i = 0; i < components->size(); ++i)
      cdx.component((*components)[i], "components[" + std::to_string(i) + "]", true);
  }
  return std::move(r).finish("CycloneDX " + spec);
}

// ---- SPDX ----

SbomContents read_spdx(const json& doc, Reader r) {
  const std::string version = r.text(doc, "spdxVersion", "");
  if (version != "SPDX-2.2" && version != "SPDX-2.3")
    r.fail("", "unsupported spdxVersion \"" + version + "\" (SPDX-2.2 and SPDX-2.3 JSON are read)");

  // Free-text licences moat and others write as LicenseRef-* with the text beside them.
  std::map<std::string, std::string> extracted;
  if (const json* infos = r.objects(doc, "hasExtractedLicensingInfos", "hasExtractedLicensingInfos")) {
    for (const auto& info : *infos) {
      extracted.emplace(r.text(info, "licenseId", "hasExtractedLicensingInfos"),
                        r.text(info, "extractedText", "hasExtractedLicensingInfos"));
    }
  }
  std::map<std::string, std::string> file_names;  // SPDXID → fileName
  if (const json* files = r.objects(doc, "files", "files")) {
    for (const auto& f : *files) file_names.emplace(r.text(f, "SPDXID", "files"), r.text(f, "fileName", "files"));
  }
  std::set<std::string> described;              // the document's subject: not a package to count
  std::map<std::string, std::string> found_in;  // package SPDXID → the first file it CONTAINS
  if (const auto ids = doc.find("documentDescribes"); ids != doc.end() && !ids->is_null()) {
    if (!ids->is_array()) r.fail("", "\"documentDescribes\" is not an array");
    for (const auto& id : *ids) {
      if (!id.is_string()) r.fail("documentDescribes", "an element is not a string");
      described.insert(id.get<std::string>());
    }
  }
  if (const json* relationships = r.objects(doc, "relationships", "relationships")) {
    for (std::size_t i = 0; i < relationships->size(); ++i) {
      const json& rel = (*relationships)[i];
      const std::string where = "relationships[" + std::to_string(i) + "]";
      const std::string from = r.required_text(rel, "spdxElementId", where);
      const std::string type = r.required_text(rel, "relationshipType", where);
      const std::string to = r.required_text(rel, "relatedSpdxElement", where);
      if (type == "DESCRIBES" && from == "SPDXRef-DOCUMENT") described.insert(to);
      if (type == "CONTAINS") {
        if (const auto file = file_names.find(to); file != file_names.end()) found_in.emplace(from, file->second);
      }
    }
  }

  const json* packages = r.objects(doc, "packages", "");
  for (std::size_t i = 0; packages && i < packages->size(); ++i) {
    const json& pkg = (*packages)[i];
    const std::string where = "packages[" + std::to_string(i) + "]";
    const std::string id = r.required_text(pkg, "SPDXID", where);
    const std::string name = r.required_text(pkg, "name", where);
    const std::string purpose = r.text(pkg, "primaryPackagePurpose", where);
    const std::string version_info = r.text(pkg, "versionInfo", where);
    std::string license = r.text(pkg, "licenseDeclared", where);
    const std::string source_info = r.text(pkg, "sourceInfo", where);
    if (purpose == "OPERATING-SYSTEM" || purpose == "OPERATING_SYSTEM") {
      OsRelease os;
      os.id = ascii_lower(name);
      os.version_id = version_info;
      os.pretty_name = r.text(pkg, "description", where);
      r.set_os(std::move(os));
      continue;
    }
    std::string purl;
    if (const json* refs = r.objects(pkg, "externalRefs", where)) {
      for (const auto& ref : *refs) {
        const std::string category = r.text(ref, "referenceCategory", where);
        if ((category == "PACKAGE-MANAGER" || category == "PACKAGE_MANAGER") &&
            r.text(ref, "referenceType", where) == "purl") {
          purl = r.required_text(ref, "referenceLocator", where);
          break;
        }
      }
    }
    const bool counted = described.count(id) == 0;
    if (purl.empty()) {
      if (counted && (purpose.empty() || purpose == "LIBRARY" || purpose == "FRAMEWORK")) ++r.out().without_purl;
      continue;
    }

    Hints hints;
    Facts facts;  // moat writes its facts as annotations "moat:<fact>=<value>"
    if (const json* annotations = r.objects(pkg, "annotations", where)) {
      for (const auto& a : *annotations) {
        const std::string comment = r.text(a, "comment", where);
        if (const auto eq = comment.find('='); comment.starts_with("moat:") && eq != std::string::npos)
          facts.emplace(comment.substr(0, eq), comment.substr(eq + 1));
      }
    }
    add_fact_hints(facts, hints);
    // Trivy: "built package from: NAME VERSION"; Syft: "acquired package info from ...: /path, ...".
    if (constexpr std::string_view kBuilt = "built package from: ";
        hints.source_name.empty() && source_info.starts_with(kBuilt)) {
      const std::string rest = source_info.substr(kBuilt.size());
      const auto space = rest.find(' ');
      hints.source_name = rest.substr(0, space);
      if (space != std::string::npos) hints.source_version = rest.substr(space + 1);
    }
    if (const auto colon = source_info.find(": /");
        hints.found_in.empty() && source_info.starts_with("acquired ") && colon != std::string::npos) {
      hints.found_in = source_info.substr(colon + 2, source_info.find(", ", colon) - colon - 2);
    }
    if (const auto file = found_in.find(id); hints.found_in.empty() && file != found_in.end())
      hints.found_in = file->second;
    hints.name = name;
    hints.version = version_info;
    if (license == "NOASSERTION" || license == "NONE") license.clear();
    if (const auto it = extracted.find(license); it != extracted.end() && !it->second.empty()) license = it->second;
    hints.license = std::move(license);
    r.add(purl, std::move(hints), where, counted);
  }
  return std::move(r).finish(version);
}

// Counts nesting outside strings, so that no parser recursion ever meets a hostile depth.
void check_nesting(std::string_view text, const std::string& path) {
  if (!json_nesting_within(text, kMaxDepth))
    fail(path, "JSON nested more than " + std::to_string(kMaxDepth) + " levels deep");
}

}  // namespace

SbomContents read_sbom(std::string_view json_text, std::string_view path) {
  const std::string file(path);
  if (json_text.size() > kMaxBytes) fail(file, "SBOM larger than " + std::to_string(kMaxBytes >> 20) + " MiB");
  check_nesting(json_text, file);
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::exception& e) {
    fail(file, std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) fail(file, "not an SBOM: the document is not a JSON object");
  if (doc.contains("bomFormat")) return read_cyclonedx(doc, Reader(path));
  if (doc.contains("spdxVersion")) return read_spdx(doc, Reader(path));
  fail(file, "neither CycloneDX (no \"bomFormat\") nor SPDX JSON (no \"spdxVersion\")");
}

}  // namespace moat::inventory
