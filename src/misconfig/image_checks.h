#pragma once
// Hardening checks over a built image's configuration document (the OCI / Docker image config:
// "config" {User, ExposedPorts, Env, Labels, Healthcheck, ...}, "created", "history"[]).
// Rule ids are MOAT-IMG-NNN; the same table also holds the base-OS (os_eol.h) and per-file
// (file_facts.h) rules, so every image hardening rule is listed in one place.
//
// Findings leave `file` empty (the caller names the image) and point at the offending part of the
// config in `object`: "config.User", "config.Env[DB_PASSWORD]", "config.ExposedPorts[22/tcp]",
// "history[7]". A field of the wrong JSON type is skipped as if absent, never thrown on: the
// document has already been accepted by the image reader, and one odd field must not hide the
// findings of the others.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "misconfig/check_result.h"

namespace moat::misconfig {

using ImageRule = Rule;

// Every MOAT-IMG rule, in id order.
const std::vector<ImageRule>& image_rules();

// A finding of one MOAT-IMG rule, filled from the table (title, level, resolution, references).
ConfigFinding image_finding(std::string_view rule_id, std::string message, std::string object);

// Images older than these are reported (MOAT-IMG-009 / MOAT-IMG-010).
inline constexpr std::chrono::days kImageAgeLow{90};
inline constexpr std::chrono::days kImageAgeMedium{365};

// Checks one image config document; `now` decides the image's age.
std::vector<ConfigFinding> check_image_config(const nlohmann::json& config, std::chrono::system_clock::time_point now);

}  // namespace moat::misconfig
