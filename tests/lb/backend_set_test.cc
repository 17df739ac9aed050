// Tests for Availability, the view through which balancers ask which backends they may pick.
#include "lb/backend_set.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <span>
#include <vector>

namespace ringwall::lb {
namespace {

TEST(Availability, DefaultMeansEveryBackend) {
    const Availability all;
    EXPECT_TRUE(all.is_everything());
    EXPECT_TRUE(all(0));
    EXPECT_TRUE(all(1'000'000));
}

TEST(Availability, FlagsSayWhichAndIndicesPastTheEndAreUnavailable) {
    const std::array<bool, 3> flags{true, false, true};
    const Availability view(flags);
    EXPECT_FALSE(view.is_everything());
    EXPECT_TRUE(view(0));
    EXPECT_FALSE(view(1));
    EXPECT_TRUE(view(2));
    EXPECT_FALSE(view(3));  // a short list fails safe
}

TEST(Availability, AcceptsSpansAndOwnedArrays) {
    const std::unique_ptr<bool[]> owned(new bool[2]{false, true});
    const Availability from_span(std::span<const bool>(owned.get(), 2));
    EXPECT_FALSE(from_span(0));
    EXPECT_TRUE(from_span(1));
    const Availability empty(std::span<const bool>{});
    EXPECT_FALSE(empty(0));
}

TEST(Availability, CallableIsAskedWithTheIndex) {
    std::vector<std::size_t> asked;
    const auto odd = [&](std::size_t i) {
        asked.push_back(i);
        return i % 2 == 1;
    };
    const Availability view(odd);
    EXPECT_FALSE(view.is_everything());
    EXPECT_FALSE(view(4));
    EXPECT_TRUE(view(7));
    EXPECT_EQ(asked, (std::vector<std::size_t>{4, 7}));
}

TEST(Availability, CopiesShareTheBorrowedSource) {
    std::array<bool, 2> flags{true, true};
    const Availability view(flags);
    const Availability copy = view;
    flags[1] = false;  // a view, not a snapshot
    EXPECT_FALSE(copy(1));
}

}  // namespace
}  // namespace ringwall::lb
