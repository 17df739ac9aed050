// tests/lb/simulation.h: a discrete-event run of requests through a balancer, in virtual time.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <vector>

#include "lb/backend_set.h"

namespace ringwall::lb::testing {

struct SimulatedRun {
    std::vector<std::size_t> picks;          // per backend
    std::vector<std::uint32_t> peak_active;  // most requests in flight at once, per backend
    std::size_t refused = 0;                 // picks that returned nullopt
};

// Sends `requests` requests, one every `interval_us`, to whatever `pick(now)` chooses. A
// request sent to backend i at `now` takes latency(i, now) to answer. Calls start(i) on
// dispatch and finish(i, outcome) on completion, in time order.
template <typename Latency, typename Pick, typename Start, typename Finish>
SimulatedRun simulate(std::size_t backends, Latency&& latency, std::size_t requests,
                      std::uint64_t interval_us, Pick&& pick, Start&& start, Finish&& finish) {
    struct Pending {
        std::uint64_t done_us;
        std::uint64_t sent_us;
        BackendIndex backend;
        bool operator>(const Pending& other) const { return done_us > other.done_us; }
    };
    std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending;
    SimulatedRun run;
    run.picks.assign(backends, 0);
    run.peak_active.assign(backends, 0);
    std::vector<std::uint32_t> active(backends, 0);
    const auto complete_until = [&](std::uint64_t now) {
        while (!pending.empty() && pending.top().done_us <= now) {
            const Pending done = pending.top();
            pending.pop();
            --active[done.backend];
            finish(done.backend, Outcome{.latency_us = done.done_us - done.sent_us,
                                         .now_us = done.done_us,
                                         .ok = true});
        }
    };
    for (std::size_t k = 0; k < requests; ++k) {
        const std::uint64_t now = k * interval_us;
        complete_until(now);
        const std::optional<BackendIndex> i = pick(now);
        if (!i) {
            ++run.refused;
            continue;
        }
        ++run.picks[*i];
        start(*i);
        ++active[*i];
        run.peak_active[*i] = std::max(run.peak_active[*i], active[*i]);
        pending.push(Pending{now + latency(*i, now), now, *i});
    }
    complete_until(~std::uint64_t{0});
    return run;
}

// The same with a fixed latency per backend.
template <typename Pick, typename Start, typename Finish>
SimulatedRun simulate(const std::vector<std::uint64_t>& latency_us, std::size_t requests,
                      std::uint64_t interval_us, Pick&& pick, Start&& start, Finish&& finish) {
    return simulate(
        latency_us.size(), [&](BackendIndex i, std::uint64_t) { return latency_us[i]; }, requests,
        interval_us, pick, start, finish);
}

}  // namespace ringwall::lb::testing
