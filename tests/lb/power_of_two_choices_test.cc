// Tests for PowerOfTwoChoices: preferring fast backends, probing slow ones, determinism,
// unavailability.
#include "lb/power_of_two_choices.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

#include "lb/simulation.h"
#include "lb/spread.h"

namespace ringwall::lb {
namespace {

using testing::count_picks;
using testing::equal_backends;

testing::SimulatedRun run_p2c(PowerOfTwoChoices& p2c, const std::vector<std::uint64_t>& latency,
                              std::size_t requests, std::uint64_t interval_us) {
    return testing::simulate(
        latency, requests, interval_us, [&](std::uint64_t now) { return p2c.pick(now); },
        [&](BackendIndex i) { p2c.on_start(i); },
        [&](BackendIndex i, const Outcome& outcome) { p2c.on_finish(i, outcome); });
}

TEST(PowerOfTwoChoices, PrefersTheFastBackendAndStillProbesTheSlowOne) {
    // Five backends, one ten times slower; 100k requests at 10 per ms (10 s of traffic).
    PowerOfTwoChoices p2c(equal_backends(5), P2cOptions{.half_life_us = 1'000'000});
    const std::vector<std::uint64_t> latency{1'000, 1'000, 1'000, 1'000, 10'000};
    std::vector<std::uint64_t> probes;  // when the slow one was picked
    const testing::SimulatedRun run = testing::simulate(
        latency, 100'000, 100,
        [&](std::uint64_t now) {
            const std::optional<BackendIndex> i = p2c.pick(now);
            if (i == 4u) {
                probes.push_back(now);
            }
            return i;
        },
        [&](BackendIndex i) { p2c.on_start(i); },
        [&](BackendIndex i, const Outcome& outcome) { p2c.on_finish(i, outcome); });
    std::uint64_t longest_gap = probes.empty() ? ~std::uint64_t{0} : probes.front();
    for (std::size_t k = 1; k < probes.size(); ++k) {
        longest_gap = std::max(longest_gap, probes[k] - probes[k - 1]);
    }
    const double slow_share = static_cast<double>(run.picks[4]) / 100'000;
    std::printf(
        "[ figures  ] p2c, one backend 10x slower: %.3f%% of picks to it (%zu probes, "
        "longest gap %.2f s); fast ones %.1f%% %.1f%% %.1f%% %.1f%%\n",
        100 * slow_share, probes.size(), static_cast<double>(longest_gap) / 1e6, run.picks[0] / 1e3,
        run.picks[1] / 1e3, run.picks[2] / 1e3, run.picks[3] / 1e3);
    EXPECT_LT(slow_share, 0.01);  // round robin would send it 20%
    // Still tried: its estimate halves every second without news, so it is tried again
    // within a few half-lives, and would be seen to have recovered.
    EXPECT_GE(probes.size(), 5u);
    EXPECT_LT(longest_gap, 3'000'000u);
    for (BackendIndex i = 0; i < 4; ++i) {
        EXPECT_NEAR(static_cast<double>(run.picks[i]) / 100'000, (1 - slow_share) / 4, 0.02);
    }
}

TEST(PowerOfTwoChoices, GivesARecoveredBackendItsShareBack) {
    // Backend 4 is ten times slower for the first 10 s, then as fast as the rest.
    PowerOfTwoChoices p2c(equal_backends(5), P2cOptions{.half_life_us = 1'000'000});
    std::size_t late_picks = 0;
    std::size_t late_slow_picks = 0;
    testing::simulate(
        5,
        [](BackendIndex i, std::uint64_t now) -> std::uint64_t {
            return i == 4 && now < 10'000'000 ? 10'000 : 1'000;
        },
        200'000, 100,
        [&](std::uint64_t now) {
            const std::optional<BackendIndex> i = p2c.pick(now);
            if (now >= 15'000'000) {
                ++late_picks;
                late_slow_picks += i == 4u;
            }
            return i;
        },
        [&](BackendIndex i) { p2c.on_start(i); },
        [&](BackendIndex i, const Outcome& outcome) { p2c.on_finish(i, outcome); });
    const double share = static_cast<double>(late_slow_picks) / static_cast<double>(late_picks);
    std::printf("[ figures  ] p2c, backend recovered at 10 s: %.1f%% of picks in 15-20 s\n",
                100 * share);
    EXPECT_NEAR(share, 0.2, 0.03);
}

TEST(PowerOfTwoChoices, SpreadsEvenlyOverEqualBackends) {
    PowerOfTwoChoices p2c(equal_backends(5));
    const testing::SimulatedRun run =
        run_p2c(p2c, std::vector<std::uint64_t>(5, 1'000), 100'000, 100);
    for (BackendIndex i = 0; i < 5; ++i) {
        EXPECT_NEAR(static_cast<double>(run.picks[i]) / 100'000, 0.2, 0.01);
        EXPECT_LE(run.peak_active[i], 6u);
    }
}

TEST(PowerOfTwoChoices, AvoidsTheBusierOfTwoEqualBackends) {
    PowerOfTwoChoices p2c(equal_backends(2));
    p2c.on_start(0);
    for (int k = 0; k < 100; ++k) {
        EXPECT_EQ(p2c.pick(0), 1u);  // with two backends both are always compared
    }
}

TEST(PowerOfTwoChoices, AFastFailingBackendDoesNotLookFast) {
    PowerOfTwoChoices p2c(equal_backends(2), P2cOptions{.failure_penalty_us = 100'000});
    p2c.on_start(0);
    p2c.on_finish(0, Outcome{.latency_us = 50, .now_us = 1'000, .ok = false});  // refused
    p2c.on_start(1);
    p2c.on_finish(1, Outcome{.latency_us = 2'000, .now_us = 1'000, .ok = true});
    EXPECT_NEAR(p2c.latency_estimate_us(0, 1'000), 100'000, 1e-6);
    EXPECT_EQ(p2c.pick(1'000), 1u);
}

TEST(PowerOfTwoChoices, AnIdleSlowBackendBecomesWorthTryingAgain) {
    PowerOfTwoChoices p2c(equal_backends(2), P2cOptions{.half_life_us = 1'000'000});
    p2c.on_start(0);
    p2c.on_finish(0, Outcome{.latency_us = 64'000, .now_us = 0});
    const auto keep_fast_busy = [&](std::uint64_t from, std::uint64_t to) {
        for (std::uint64_t t = from; t <= to; t += 100'000) {
            p2c.on_start(1);
            p2c.on_finish(1, Outcome{.latency_us = 1'000, .now_us = t});
        }
    };
    keep_fast_busy(0, 3'000'000);
    EXPECT_EQ(p2c.pick(3'000'000), 1u);  // the slow one still looks like 8 ms
    // Its 64 ms halves every second without news: after 7 s it looks like 0.5 ms, cheaper
    // than the fast one's fresh 1 ms, and gets a request that shows what it is now.
    keep_fast_busy(3'100'000, 7'000'000);
    EXPECT_EQ(p2c.pick(7'000'000), 0u);
}

TEST(PowerOfTwoChoices, ANewBackendGetsOneRequestThenItsAnswerDecides) {
    PowerOfTwoChoices p2c(equal_backends(2), P2cOptions{.initial_latency_us = 1'000});
    p2c.on_start(0);
    p2c.on_finish(0, Outcome{.latency_us = 500, .now_us = 0});
    EXPECT_EQ(p2c.pick(0), 1u);  // unknown and idle: try it
    p2c.on_start(1);
    for (int k = 0; k < 10; ++k) {
        EXPECT_EQ(p2c.pick(0), 0u);  // one request out is enough until it answers
    }
    p2c.on_finish(1, Outcome{.latency_us = 300, .now_us = 300});
    EXPECT_EQ(p2c.pick(300), 1u);  // it answered faster
}

TEST(PowerOfTwoChoices, SameSeedReplaysTheSameChoices) {
    PowerOfTwoChoices a(equal_backends(7), P2cOptions{.seed = 42});
    PowerOfTwoChoices b(equal_backends(7), P2cOptions{.seed = 42});
    PowerOfTwoChoices c(equal_backends(7), P2cOptions{.seed = 43});
    bool differs = false;
    for (int k = 0; k < 1'000; ++k) {
        const std::optional<BackendIndex> x = a.pick(0);
        ASSERT_EQ(x, b.pick(0));
        differs = differs || x != c.pick(0);
        a.on_start(*x);
        b.on_start(*x);
    }
    EXPECT_TRUE(differs);
}

TEST(PowerOfTwoChoices, SkipsUnavailableAndDrainedBackends) {
    PowerOfTwoChoices p2c(testing::backends_with_weights({1, 1, 0, 1, 1}));
    const std::array<bool, 5> flags{false, true, true, false, true};
    const std::vector<std::size_t> counts =
        count_picks(5, 10'000, [&] { return p2c.pick(0, flags); });
    EXPECT_EQ(counts[0] + counts[2] + counts[3] + counts[5], 0u);
    EXPECT_NEAR(static_cast<double>(counts[1]), 5'000, 300);
    const std::array<bool, 5> one{false, false, false, true, false};
    for (int k = 0; k < 100; ++k) {
        EXPECT_EQ(p2c.pick(0, one), 3u);
    }
    const std::array<bool, 5> none{false, false, true, false, false};  // only a drained one
    EXPECT_EQ(p2c.pick(0, none), std::nullopt);
    PowerOfTwoChoices empty(std::vector<BackendInfo>{});
    EXPECT_EQ(empty.pick(0), std::nullopt);
}

TEST(PowerOfTwoChoices, DrawsUniformlyWhenMostBackendsAreUnavailable) {
    // 3 of 100 available: the random draws mostly miss and the exact fallback must not bias.
    PowerOfTwoChoices p2c(equal_backends(100));
    std::array<bool, 100> flags{};
    flags[5] = flags[50] = flags[99] = true;
    const std::vector<std::size_t> counts =
        count_picks(100, 30'000, [&] { return p2c.pick(0, flags); });
    EXPECT_NEAR(static_cast<double>(counts[5]), 10'000, 500);
    EXPECT_NEAR(static_cast<double>(counts[50]), 10'000, 500);
    EXPECT_NEAR(static_cast<double>(counts[99]), 10'000, 500);
}

}  // namespace
}  // namespace ringwall::lb
