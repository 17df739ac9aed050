// src/io/uring_diagnosis.h: operator-facing explanations of io_uring availability.
#pragma once

#include <string>

namespace ringwall::io {

// Why io_uring_queue_init failed with `error` (a positive errno), and how to fix it.
std::string describe_uring_failure(int error);

// One line per kernel feature Ringwall uses, each "name: yes|no" (ringwall -V).
std::string describe_kernel_features();

}  // namespace ringwall::io
