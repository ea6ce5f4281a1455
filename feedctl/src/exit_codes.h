// feedctl's exit codes (spec/interface.md): sysexits where one fits.
#pragma once

namespace feedd::feedctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;       // the daemon refused or failed the request
inline constexpr int kExitUsage = 2;         // bad command line
inline constexpr int kExitDataError = 65;    // EX_DATAERR: input is not a feed
inline constexpr int kExitUnavailable = 69;  // EX_UNAVAILABLE: no daemon on the socket
inline constexpr int kExitIoError = 74;      // EX_IOERR: a file could not be read or written

}  // namespace feedd::feedctl
