// src/server/sd_notify.h: systemd Type=notify readiness messages.
#pragma once

#include <string_view>

namespace ringwall::server {

// Sends `state` (e.g. "READY=1") to $NOTIFY_SOCKET; does nothing when it is unset. Written
// against the documented datagram protocol so that no libsystemd is needed.
void sd_notify(std::string_view state) noexcept;

}  // namespace ringwall::server
