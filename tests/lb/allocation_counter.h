// tests/lb/allocation_counter.h: counts heap allocations, to show that pick() makes none.
#pragma once

#include <cstddef>

namespace ringwall::lb::testing {

// operator new calls so far in this test binary (allocation_counter.cc replaces the global
// operator new to count them).
std::size_t allocation_count() noexcept;

}  // namespace ringwall::lb::testing
