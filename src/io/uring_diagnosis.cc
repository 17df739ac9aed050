// src/io/uring_diagnosis.cc: probing the kernel for the io_uring features Ringwall uses.
#include "io/uring_diagnosis.h"

#include <liburing.h>
#include <sys/utsname.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace ringwall::io {

namespace {

std::string read_first_line(const char* path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string kernel_release() {
    utsname name{};
    return ::uname(&name) == 0 ? name.release : "unknown";
}

}  // namespace

std::string describe_uring_failure(int error) {
    std::string msg = "io_uring is unavailable (" + std::string(std::strerror(error)) + "): ";
    const std::string disabled = read_first_line("/proc/sys/kernel/io_uring_disabled");
    if (error == ENOSYS) {
        msg += "this kernel (" + kernel_release() +
               ") has no io_uring, or a seccomp profile blocks it. Ringwall needs Linux 6.1 or "
               "later; in a container, allow io_uring_setup/io_uring_enter/io_uring_register "
               "in the seccomp profile (Docker's default profile blocks them).";
    } else if (error == EPERM || error == EACCES) {
        if (disabled == "1" || disabled == "2") {
            msg += "the sysctl kernel.io_uring_disabled is " + disabled +
                   ". Set it to 0 (sysctl -w kernel.io_uring_disabled=0), or with 1 run "
                   "Ringwall as a member of the group named by kernel.io_uring_group.";
        } else {
            msg += "the process may not use it: a seccomp profile or LSM policy blocks "
                   "io_uring_setup. Allow io_uring in the container's or unit's security profile.";
        }
    } else if (error == EINVAL) {
        msg += "this kernel (" + kernel_release() +
               ") lacks IORING_SETUP_DEFER_TASKRUN or SINGLE_ISSUER. Ringwall needs Linux 6.1 "
               "or later.";
    } else if (error == ENOMEM) {
        msg += "the ring could not be allocated. Raise RLIMIT_MEMLOCK (ulimit -l, or "
               "LimitMEMLOCK= in the systemd unit) or lower the worker count.";
    } else {
        msg += "unexpected error from io_uring_setup on kernel " + kernel_release() + ".";
    }
    return msg;
}

std::string describe_kernel_features() {
    std::ostringstream out;
    out << "kernel: " << kernel_release() << "\n";
    io_uring ring{};
    io_uring_params params{};
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_COOP_TASKRUN;
    const int rc = io_uring_queue_init_params(8, &ring, &params);
    if (rc < 0) {
        out << "io_uring: no (" << describe_uring_failure(-rc) << ")\n";
    } else {
        out << "io_uring: yes (single issuer, deferred task run)\n";
        auto yes = [](bool b) { return b ? "yes" : "no"; };
        out << "io_uring ext_arg wait: " << yes(params.features & IORING_FEAT_EXT_ARG) << "\n";
        out << "io_uring registered ring fd: " << yes(io_uring_register_ring_fd(&ring) == 1) << "\n";
        if (io_uring_probe* probe = io_uring_get_probe_ring(&ring)) {
            out << "io_uring send_zc: " << yes(io_uring_opcode_supported(probe, IORING_OP_SEND_ZC)) << "\n";
            out << "io_uring socket op: " << yes(io_uring_opcode_supported(probe, IORING_OP_SOCKET)) << "\n";
            io_uring_free_probe(probe);
        }
        io_uring_queue_exit(&ring);
    }
    // kTLS shows up as the "tls" upper-layer protocol once the module is loaded.
    const std::string ulps = read_first_line("/proc/sys/net/ipv4/tcp_available_ulp");
    out << "ktls: " << (ulps.find("tls") != std::string::npos ? "yes" : "no (module not loaded)") << "\n";
    return out.str();
}

}  // namespace ringwall::io
