// Login secrets: account databases (shadow, gshadow, passwd), htpasswd files, SSH private keys and
// authorized_keys.
#include <algorithm>
#include <cctype>
#include <cstdint>

#include "secret/sensitive_checks.h"

namespace moat::secret::sensitive {
namespace {

enum class HashStrength { NotAHash, Strong, Weak };
struct HashScheme {
  HashStrength strength = HashStrength::NotAHash;
  std::string name;
};

bool is_crypt64(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/'; }

// What crypt(3) scheme a password field holds. A field no crypt(3) can produce ("x", "NP",
// "LK", a locked "!…" or "*…") matches no password, so it is not a usable hash.
HashScheme classify_crypt(std::string_view field) {
  if (field.empty() || field.front() == '!' || field.front() == '*') return {};
  const bool charset_ok = std::all_of(field.begin(), field.end(), [](char c) {
    return is_crypt64(c) || c == '$' || c == '=' || c == ',' || c == '+' || c == '_' || c == '-';
  });
  if (!charset_ok) return {};
  if (field.front() == '$') {
    const std::size_t end = field.find('$', 1);
    if (end == std::string_view::npos || end == 1) return {};
    std::string_view id = field.substr(1, end - 1);
    id = id.substr(0, id.find(','));  // "$md5,rounds=…$"
    struct Known {
      std::string_view id;
      std::string_view name;
      bool strong;
    };
    static constexpr Known kKnown[] = {
        {"y", "yescrypt", true},      {"gy", "gost-yescrypt", true}, {"7", "scrypt", true},
        {"2b", "bcrypt", true},       {"2a", "bcrypt", true},        {"2y", "bcrypt", true},
        {"2x", "bcrypt", true},       {"6", "sha512crypt", true},    {"5", "sha256crypt", true},
        {"1", "md5crypt", false},     {"apr1", "apr1-md5", false},   {"md5", "sunmd5", false},
        {"sha1", "sha1crypt", false}, {"3", "nthash", false},
    };
    for (const auto& k : kKnown)
      if (id == k.id) return {k.strong ? HashStrength::Strong : HashStrength::Weak, std::string(k.name)};
    return {HashStrength::Weak, "unknown scheme $" + std::string(id.substr(0, 16)) + "$"};
  }
  if (field.size() == 20 && field.front() == '_' && std::all_of(field.begin() + 1, field.end(), is_crypt64))
    return {HashStrength::Weak, "bsdicrypt"};
  if (field.size() == 13 && std::all_of(field.begin(), field.end(), is_crypt64))
    return {HashStrength::Weak, "descrypt"};
  return {};
}

std::string redact_hash(std::string_view hash) {
  // The scheme prefix ("$6$") is not secret and says what the hash is.
  std::size_t keep = 2;
  if (hash.front() == '$') {
    const std::size_t end = hash.find('$', 1);
    keep = end == std::string_view::npos ? 1 : end + 1;
  }
  return std::string(hash.substr(0, keep)) + "************";
}

std::string_view field_at(std::string_view line, int index) {
  for (int i = 0; i < index; ++i) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return line.substr(line.size());
    line.remove_prefix(colon + 1);
  }
  return line.substr(0, line.find(':'));
}

bool is_user_name(std::string_view name) {
  // Not "+" / "-" NIS compatibility entries, not garbage.
  if (name.empty() || name.size() > 64 || name.front() == '+' || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '$' || c == '@';
  });
}

struct PrivateKeyInfo {
  bool encrypted = false;
  std::string type;  // "ssh-ed25519", "RSA", "PKCS#8" …
  std::size_t body_offset = 0;
  std::string_view body;
};

std::uint32_t read_u32(std::string_view& s, bool& ok) {
  if (s.size() < 4) {
    ok = false;
    return 0;
  }
  const auto b = [&](int i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(s[i])); };
  const std::uint32_t v = b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
  s.remove_prefix(4);
  return v;
}

std::string_view read_string(std::string_view& s, bool& ok) {
  const std::uint32_t n = read_u32(s, ok);
  if (!ok || n > s.size()) {
    ok = false;
    return {};
  }
  const std::string_view v = s.substr(0, n);
  s.remove_prefix(n);
  return v;
}

// openssh-key-v1: magic, cipher name, kdf name, kdf options, key count, first public key blob.
void read_openssh_key(std::string_view body, PrivateKeyInfo& info) {
  info.type = "OpenSSH";
  const auto bytes = base64_decode(body);
  constexpr std::string_view kMagic{"openssh-key-v1\0", 15};
  if (!bytes || !bytes->starts_with(kMagic)) return;
  std::string_view s = std::string_view(*bytes).substr(kMagic.size());
  bool ok = true;
  const std::string_view cipher = read_string(s, ok);
  read_string(s, ok);  // kdf name
  read_string(s, ok);  // kdf options
  read_u32(s, ok);     // number of keys
  std::string_view public_key = read_string(s, ok);
  const std::string_view key_type = read_string(public_key, ok);
  if (!ok) return;
  info.encrypted = cipher != "none";
  if (!key_type.empty() && key_type.size() < 64 &&
      std::all_of(key_type.begin(), key_type.end(), [](char c) { return std::isgraph(static_cast<unsigned char>(c)); }))
    info.type = std::string(key_type);
}

// Every PEM or OpenSSH private key block in the content (and a PuTTY key file).
std::vector<PrivateKeyInfo> find_private_keys(std::string_view content) {
  std::vector<PrivateKeyInfo> keys;
  if (content.starts_with("PuTTY-User-Key-File-")) {
    PrivateKeyInfo info;
    info.type = "PuTTY";
    const std::size_t enc = content.find("\nEncryption:");
    info.encrypted = enc != std::string_view::npos &&
                     trim(content.substr(enc + 12, content.find('\n', enc + 1) - enc - 12)) != "none";
    info.body = content.substr(0, std::min<std::size_t>(content.size(), 64));
    keys.push_back(info);
    return keys;
  }
  std::size_t pos = 0;
  while ((pos = content.find("-----BEGIN ", pos)) != std::string_view::npos && keys.size() < Findings::kMaxFindings) {
    const std::size_t label_start = pos + 11;
    const std::size_t label_end = content.find("-----", label_start);
    if (label_end == std::string_view::npos) break;
    const std::string_view label = content.substr(label_start, label_end - label_start);
    pos = label_end + 5;
    if (label.size() > 40 || !label.ends_with("PRIVATE KEY")) continue;
    const std::size_t end = content.find("-----END ", pos);
    PrivateKeyInfo info;
    info.body_offset = pos;
    info.body = content.substr(pos, (end == std::string_view::npos ? content.size() : end) - pos);
    const std::string_view kind = trim(label.substr(0, label.size() - 11));
    if (kind == "OPENSSH") {
      read_openssh_key(info.body, info);
    } else if (kind == "ENCRYPTED") {
      info.type = "PKCS#8";
      info.encrypted = true;
    } else {
      info.type = kind.empty() ? "PKCS#8" : std::string(kind);
      info.encrypted = info.body.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
    }
    // The redacted value starts at the base64, past PEM headers such as Proc-Type.
    const std::size_t blank = info.body.find("\n\n");
    const std::size_t skip = info.encrypted && blank != std::string_view::npos ? blank + 2 : 0;
    const std::string_view b64 = trim(info.body.substr(skip));
    info.body_offset += static_cast<std::size_t>(b64.data() - info.body.data());
    info.body = b64;
    keys.push_back(std::move(info));
    if (end != std::string_view::npos) pos = end;
  }
  return keys;
}

}  // namespace

void check_account_db(std::string_view path, std::string_view content, Findings& out) {
  const bool groups = path.find("gshadow") != std::string_view::npos;
  const bool passwd = !groups && path.find("passwd") != std::string_view::npos;
  for_each_line(content, [&](const Line& line) {
    const std::string_view name = field_at(line.text, 0);
    if (!is_user_name(name) || line.text.find(':') == std::string_view::npos) return true;
    const std::string_view field = field_at(line.text, 1);
    const std::size_t offset = line.offset + name.size() + 1;
    const std::string who = (groups ? "Group '" : "User '") + std::string(name) + "'";
    if (field.empty()) {
      // An empty gshadow field only lets the group's own members use newgrp: not a login.
      if (!groups) out.add(rule::kShadowEmpty, who + " has an empty password: login without a password", offset, "");
      return !out.full();
    }
    if (passwd && field == "x") return true;
    const HashScheme scheme = classify_crypt(field);
    if (scheme.strength == HashStrength::Strong)
      out.add(rule::kShadowHash, who + " has a " + scheme.name + " password hash", offset, redact_hash(field));
    else if (scheme.strength == HashStrength::Weak)
      out.add(rule::kShadowWeakHash, who + " has a weak password hash (" + scheme.name + ")", offset,
              redact_hash(field));
    return !out.full();
  });
}

void check_htpasswd(std::string_view content, Findings& out) {
  for_each_line(content, [&](const Line& line) {
    const std::string_view text = trim(line.text);
    const std::size_t colon = text.find(':');
    if (text.empty() || text.front() == '#' || colon == std::string_view::npos || colon == 0) return true;
    const std::string_view user = text.substr(0, colon);
    const std::string_view hash = text.substr(colon + 1);
    const std::size_t offset = static_cast<std::size_t>(hash.data() - line.text.data()) + line.offset;
    const std::string who = "User '" + std::string(user) + "'";
    if (hash.empty() || !is_user_name(user)) return true;
    if (hash.starts_with("{SHA}")) {
      out.add(rule::kHtpasswdWeak, who + " has an unsalted SHA-1 password hash", offset, "{SHA}************");
      return !out.full();
    }
    const HashScheme scheme = classify_crypt(hash);
    if (scheme.strength == HashStrength::Strong)
      out.add(rule::kHtpasswd, who + " has a " + scheme.name + " password hash", offset, redact_hash(hash));
    else if (scheme.strength == HashStrength::Weak)
      out.add(rule::kHtpasswdWeak, who + " has a weak password hash (" + scheme.name + ")", offset, redact_hash(hash));
    else  // what is not a hash is a plain-text password (accepted by Apache on some platforms)
      out.add(rule::kHtpasswdWeak, who + " has a plain-text password", offset, redact(hash));
    return !out.full();
  });
}

void check_ssh_private_key(std::string_view path, std::string_view content, bool host_key, Findings& out) {
  for (const auto& key : find_private_keys(content)) {
    std::string title;
    const SensitiveRule* rule = nullptr;
    if (host_key) {
      rule = &rule::kSshHostKey;
      title = "SSH host private key (" + key.type + ") shared by every container of this image" +
              (key.encrypted ? " (passphrase-protected)" : "");
    } else {
      rule = key.encrypted ? &rule::kSshEncryptedKey : &rule::kSshPrivateKey;
      const std::string owner = home_owner(path);
      title = std::string(key.encrypted ? "Passphrase-protected" : "Unencrypted") + " SSH private key (" + key.type +
              ")" + (owner.empty() ? "" : " of user '" + owner + "'");
    }
    out.add(*rule, title, key.body_offset, redact(key.body, 4));
  }
}

void check_authorized_keys(std::string_view path, std::string_view content, Findings& out) {
  const std::string owner = home_owner(path);
  for_each_line(content, [&](const Line& line) {
    const std::string_view text = trim(line.text);
    if (text.empty() || text.front() == '#') return true;
    // [options] type base64 [comment]: the type is the first token that names a key algorithm.
    std::size_t pos = 0;
    while (pos < text.size()) {
      while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
      std::size_t end = pos;
      bool quoted = false;
      while (end < text.size() && (quoted || !std::isspace(static_cast<unsigned char>(text[end])))) {
        if (text[end] == '"') quoted = !quoted;
        ++end;
      }
      const std::string_view token = text.substr(pos, end - pos);
      pos = end;
      if (!(token.starts_with("ssh-") || token.starts_with("ecdsa-sha2-") || token.starts_with("sk-"))) continue;
      while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
      std::size_t blob_end = text.find_first_of(" \t", pos);
      if (blob_end == std::string_view::npos) blob_end = text.size();
      const std::string_view blob = text.substr(pos, blob_end - pos);
      if (!blob.starts_with("AAAA")) return true;
      const std::string_view comment = trim(text.substr(blob_end));
      std::string title = "SSH key " + std::string(token) +
                          (comment.empty() ? "" : " '" + std::string(comment.substr(0, 80)) + "'") + " may log in" +
                          (owner.empty() ? "" : " as '" + owner + "'");
      out.add(rule::kSshAuthorizedKey, std::move(title),
              line.offset + static_cast<std::size_t>(token.data() - line.text.data()),
              std::string(token) + " " + redact(blob, 8));
      return !out.full();
    }
    return true;
  });
}

}  // namespace moat::secret::sensitive
