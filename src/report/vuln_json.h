#pragma once
// moat's own JSON for a vulnerability scan: for scripts, stable across releases (fields are only
// ever added). Shape:
//
// {
//   "schema": "moat/vulnerabilities/v1",
//   "target": "docker.io/library/debian:12", "kind": "image" | "rootfs" | "filesystem",
//   "image_id": "sha256:...",                       (images only)
//   "os": {"id", "version_id", "pretty_name"} | null,
//   "database_updated": "RFC 3339" | null,
//   "summary": {"total": n, "CRITICAL": n, "HIGH": n, "MEDIUM": n, "LOW": n, "NONE": n, "UNKNOWN": n,
//               "suppressed": n},
//   "not_covered": [{"data_source": "Alpine:v3.19", "reason": "...", "packages": 14}],
//   "findings": [Finding],
//   "suppressed": [Finding + {"suppressed_by": "...", "reason": "...", "status": "...",
//                             "justification": "..." | null}]
// }
//
// Finding: {
//   "id", "aliases": [...], "summary", "severity": "HIGH", "score": 7.5 | null,
//   "cvss_vector": "..." | null, "severity_source", "data_source",
//   "fixed_version": "..." | null (no fix yet),
//   "package": {"ecosystem", "name", "version", "source_name", "source_version", "arch",
//               "found_in", "layer", "owner", "purl"},   (empty strings where unknown)
//   "references": [...], "published": "..." | null, "modified": "..." | null,
//   "fingerprint": "<sha256 hex of id and package, the same in every scan>"
// }
#include <nlohmann/json.hpp>
#include <ostream>

#include "match/finding.h"

namespace moat::report {

nlohmann::ordered_json vuln_json_document(const match::VulnReport& report);
void write_vuln_json(const match::VulnReport& report, std::ostream& out);

}  // namespace moat::report
