// Thin wrappers over sd_notify so the rest of the daemon needs no #ifdef.
#include "systemd_notify.h"

#ifdef FEEDD_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace feedd::daemon {
namespace {

void Send([[maybe_unused]] const std::string& state) {
#ifdef FEEDD_HAVE_SYSTEMD
  sd_notify(0, state.c_str());
#endif
}

}  // namespace

void NotifyReady() { Send("READY=1"); }
void NotifyStopping() { Send("STOPPING=1"); }
void NotifyReloading() { Send("RELOADING=1"); }
void NotifyStatus(const std::string& status) { Send("STATUS=" + status); }

}  // namespace feedd::daemon
