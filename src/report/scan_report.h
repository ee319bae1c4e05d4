#pragma once
// The report of an image or directory scan that ran more than the vulnerability scanner: the
// vulnerability report and the detections (secrets, malware, image configuration) in one document.
// With the vulnerability scanner alone, the vulnerability writers are used as they are.
//
// JSON: {"schema": "moat/scan/v1", "target", "kind", "scanners": [...],
//        "vulnerabilities": <moat/vulnerabilities/v1 document> | null,
//        "detections": {"findings": [...], "errors": [...], "suppressed": n}  (as `moat config`)}
// SARIF: one run; the vulnerability rules and results first, then one rule per detection rule id,
// with paths in the image relative to IMAGEROOT as for vulnerabilities.
#include <ostream>
#include <string>
#include <vector>

#include "match/finding.h"
#include "misconfig/config_scan.h"

namespace moat::report {

struct ScanReport {
  std::string target, kind;  // kind: "image", "rootfs" or "filesystem"
  std::vector<std::string> scanners;
  const match::VulnReport* vulns = nullptr;  // null when the vulnerability scanner did not run
  const misconfig::ConfigReport& detections;
};

void write_scan_table(const ScanReport& report, std::ostream& out, bool color);
void write_scan_json(const ScanReport& report, std::ostream& out);
void write_scan_sarif(const ScanReport& report, std::ostream& out);

}  // namespace moat::report
