// sd_notify when built with libsystemd and run under systemd (NOTIFY_SOCKET set); otherwise
// these do nothing.
#pragma once

#include <string>

namespace feedd::daemon {

void NotifyReady();
void NotifyStopping();
void NotifyReloading();
void NotifyStatus(const std::string& status);

}  // namespace feedd::daemon
