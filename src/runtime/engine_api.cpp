#include "runtime/engine_api.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/text.h"
#include "runtime/engine_api_http.h"

namespace moat::runtime {
namespace {

using nlohmann::json;

constexpr int kMaxJsonDepth = 64;

bool is_container_id(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

json parse_json(std::string_view text, std::string_view source) {
  if (!json_nesting_within(text, kMaxJsonDepth)) fail(std::string(source), "JSON nests deeper than " + std::to_string(kMaxJsonDepth));
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) fail(std::string(source), "not valid JSON: " + quoted_excerpt(text));
  return doc;
}

const json* member(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string string_at(const json& obj, const char* key) {
  const json* v = member(obj, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

bool bool_at(const json& obj, const char* key) {
  const json* v = member(obj, key);
  return v && v->is_boolean() && v->get<bool>();
}

std::string label(const std::map<std::string, std::string>& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? std::string() : it->second;
}

std::string url_escape(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace

ContainerMetadata parse_container_inspect(std::string_view text, std::string_view source) {
  json doc = parse_json(text, source);
  if (!doc.is_object()) fail(std::string(source), "container inspect is not a JSON object");
  ContainerMetadata meta;
  meta.id = string_at(doc, "Id");
  if (!is_container_id(meta.id)) fail(std::string(source), "container inspect has no 64-hex Id: " + quoted_excerpt(meta.id));
  meta.known = true;
  meta.name = string_at(doc, "Name");
  if (!meta.name.empty() && meta.name.front() == '/') meta.name.erase(0, 1);
  meta.image_id = string_at(doc, "Image");
  if (const json* config = member(doc, "Config")) {
    meta.image = string_at(*config, "Image");
    if (const json* labels = member(*config, "Labels"); labels && labels->is_object())
      for (const auto& [key, value] : labels->items())
        if (value.is_string()) meta.labels.emplace(key, value.get<std::string>());
  }
  if (const json* host = member(doc, "HostConfig")) meta.privileged = bool_at(*host, "Privileged");
  if (const json* state = member(doc, "State")) {
    meta.running = bool_at(*state, "Running");
    if (const json* pid = member(*state, "Pid"); pid && pid->is_number_integer()) meta.pid = pid->get<int64_t>();
  }
  if (const json* mounts = member(doc, "Mounts"); mounts && mounts->is_array()) {
    for (const json& m : *mounts) {
      if (!m.is_object()) continue;
      ContainerMount mount{string_at(m, "Type"), string_at(m, "Source"), string_at(m, "Destination"), true};
      if (const json* rw = member(m, "RW"); rw && rw->is_boolean()) mount.read_write = rw->get<bool>();
      meta.mounts.push_back(std::move(mount));
    }
  }
  meta.pod_name = label(meta.labels, "io.kubernetes.pod.name");
  meta.pod_namespace = label(meta.labels, "io.kubernetes.pod.namespace");
  meta.pod_uid = label(meta.labels, "io.kubernetes.pod.uid");
  meta.k8s_container_name = label(meta.labels, "io.kubernetes.container.name");
  return meta;
}

ImageReference split_image_reference(std::string_view reference) {
  ImageReference ref;
  size_t at = reference.find('@');
  if (at != std::string_view::npos) {
    ref.digest = std::string(reference.substr(at + 1));
    reference = reference.substr(0, at);
  }
  size_t slash = reference.rfind('/');
  size_t colon = reference.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(reference.substr(colon + 1));
    reference = reference.substr(0, colon);
  }
  ref.repository = std::string(reference);
  return ref;
}

std::string parse_image_digest(std::string_view text, std::string_view image, std::string_view source) {
  json doc = parse_json(text, source);
  const json* digests = member(doc, "RepoDigests");
  if (!digests || !digests->is_array()) return {};
  std::string wanted = split_image_reference(image).repository, first;
  for (const json& d : *digests) {
    if (!d.is_string()) continue;
    ImageReference ref = split_image_reference(d.get<std::string>());
    if (ref.digest.empty()) continue;
    if (ref.repository == wanted) return ref.digest;
    if (first.empty()) first = ref.digest;
  }
  return first;
}

std::optional<EngineEvent> parse_engine_event(std::string_view line, std::string_view source) {
  json doc = parse_json(line, source);
  if (!doc.is_object()) return std::nullopt;
  std::string type = string_at(doc, "Type");
  if (type.empty()) type = string_at(doc, "type");
  if (type != "container") return std::nullopt;
  EngineEvent event;
  event.action = string_at(doc, "Action");
  if (event.action.empty()) event.action = string_at(doc, "status");
  if (const json* actor = member(doc, "Actor")) {
    event.id = string_at(*actor, "ID");
    if (const json* attrs = member(*actor, "Attributes")) {
      event.name = string_at(*attrs, "name");
      event.image = string_at(*attrs, "image");
    }
  }
  if (event.id.empty()) event.id = string_at(doc, "id");
  if (!is_container_id(event.id)) return std::nullopt;
  if (const json* t = member(doc, "timeNano"); t && t->is_number_integer()) event.time_ns = t->get<int64_t>();
  return event;
}

std::optional<ContainerMetadata> engine_inspect_container(const std::string& socket_path, std::string_view id,
                                                          std::chrono::milliseconds timeout) {
  auto started = std::chrono::steady_clock::now();
  std::string target = std::string(kEngineApiPrefix) + "/containers/" + url_escape(id) + "/json";
  HttpResponse response = unix_http_get(socket_path, target, timeout);
  if (response.status == 404) return std::nullopt;
  // podman 4.3 answers 500 "no such container" for a container removed while the request ran.
  if (response.status == 500 && response.body.find("no such container") != std::string::npos) return std::nullopt;
  if (response.status != 200)
    fail(socket_path, "GET " + target + ": HTTP " + std::to_string(response.status) + " " + quoted_excerpt(response.body));
  ContainerMetadata meta = parse_container_inspect(response.body, socket_path + " GET " + target);
  if (meta.image_id.empty()) return meta;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(timeout - (std::chrono::steady_clock::now() - started));
  if (left.count() <= 0) return meta;  // the digest is a nicety: never worth exceeding the budget
  std::string image_target = std::string(kEngineApiPrefix) + "/images/" + url_escape(meta.image_id) + "/json";
  try {
    HttpResponse image = unix_http_get(socket_path, image_target, left);
    if (image.status == 200) meta.image_digest = parse_image_digest(image.body, meta.image, socket_path + " GET " + image_target);
  } catch (const Error&) {
    // The container's own answer stands without the digest.
  }
  return meta;
}

}  // namespace moat::runtime
