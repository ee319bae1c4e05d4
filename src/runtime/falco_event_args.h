#pragma once
// Falco's text for an event's arguments (evt.arg.*, evt.args) and descriptor (fd.name), shared by
// the field extractors. Conventions for connections: src_* is the client (connecting) end and
// dst_* the server; Bind/Listen carry their local address in src_*.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/event.h"

namespace moat::runtime::falco {

void append_int(std::string& out, int64_t v);
std::string_view basename_of(std::string_view path);
std::string_view dirname_of(std::string_view path);
void join_args(const std::vector<std::string>& args, size_t from, std::string& out);
void render_caps(uint64_t caps, std::string& out);  // "CAP_CHOWN CAP_SYS_ADMIN"

std::string_view event_proc_exe(const Event& ev);  // argv[0], else the exe path

bool is_net(EventType t);
bool is_ip_event(const Event& ev);
bool is_server_side(const Event& ev);  // Accept, Bind, Listen
// One end of a connection: false when the event has no such end.
bool client_end(const Event& ev, std::string_view& addr, uint16_t& port);
bool server_end(const Event& ev, std::string_view& addr, uint16_t& port);
bool local_end(const Event& ev, std::string_view& addr, uint16_t& port);
bool remote_end(const Event& ev, std::string_view& addr, uint16_t& port);

std::string_view fd_type(const Event& ev);  // file, directory, ipv4, ipv6, unix, memfd; empty: no fd
// fd.name: the opened path or "cip:cport->sip:sport"; `buf` holds computed text.
bool fd_name(const Event& ev, std::string& buf, std::string_view& out);

// evt.arg.<name> as Falco prints it for this event type; false when the type has no such argument.
bool event_arg(const Event& ev, std::string_view name, std::string& buf, std::string_view& out);
// evt.rawarg.<name>: numeric arguments as numbers.
bool event_rawarg(const Event& ev, std::string_view name, int64_t& out);
// Argument names in Falco's order, for evt.arg[N] and evt.args.
const std::vector<std::string_view>& event_params(EventType t);

}  // namespace moat::runtime::falco
