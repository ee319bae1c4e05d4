#pragma once
// The forms of a configuration scan: a table grouped by file, moat's JSON, and SARIF 2.1.0 with
// the line and column of each offending key as its region.
#include <nlohmann/json.hpp>
#include <ostream>

#include "misconfig/config_scan.h"

namespace moat::report {

nlohmann::ordered_json config_json_document(const misconfig::ConfigReport& report);
nlohmann::ordered_json config_sarif_log(const misconfig::ConfigReport& report);
void write_config_table(const misconfig::ConfigReport& report, std::ostream& out);
void write_config_json(const misconfig::ConfigReport& report, std::ostream& out);
void write_config_sarif(const misconfig::ConfigReport& report, std::ostream& out);

}  // namespace moat::report
