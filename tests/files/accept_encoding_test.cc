// tests/files/accept_encoding_test.cc: q-values, "*", identity refusal, ties and server
// preference order.
#include "files/accept_encoding.h"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace ringwall::files {
namespace {

using namespace std::literals;

constexpr std::array<std::string_view, 3> ours = {"br", "zstd", "gzip"};

struct Case {
    std::optional<std::string_view> field;
    std::string_view coding;
    bool identity_refused = false;
};

void expect_choices(std::initializer_list<Case> cases,
                    std::span<const std::string_view> available) {
    for (const Case& c : cases) {
        SCOPED_TRACE(c.field ? testing::PrintToString(std::string(*c.field)) : "(absent)");
        const EncodingChoice choice = choose_encoding(c.field, available);
        EXPECT_EQ(choice.coding, c.coding);
        EXPECT_EQ(choice.identity_refused, c.identity_refused);
        EXPECT_EQ(choice.is_acceptable(), !(choice.is_identity() && c.identity_refused));
    }
}

TEST(AcceptEncoding, ParsesQvalues) {
    const struct {
        std::string_view text;
        std::optional<unsigned> q;
    } cases[] = {
        {"0", 0u},     {"1", 1000u},   {"0.", 0u},      {"1.", 1000u},  {"0.5", 500u},
        {"0.05", 50u}, {"0.001", 1u},  {"0.999", 999u}, {"1.0", 1000u}, {"1.000", 1000u},
        {"0.000", 0u}, {"0.1234", {}}, {"1.001", {}},   {"1.5", {}},    {"2", {}},
        {".5", {}},    {"", {}},       {"0,5", {}},     {"0.5 ", {}},   {"-0", {}},
        {"+1", {}},    {"01", {}},     {"0.a", {}},     {"1.0000", {}}, {"0x1", {}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        EXPECT_EQ(parse_qvalue(c.text), c.q);
    }
}

TEST(AcceptEncoding, PicksByQThenServerOrder) {
    expect_choices(
        {
            {"gzip", "gzip"},
            {"br, gzip", "br"},
            {"gzip, br", "br"},  // equal q: our order decides
            {"gzip, zstd", "zstd"},
            {"gzip, deflate, br, zstd", "br"},
            {"gzip;q=1.0, br;q=0.8", "gzip"},
            {"br;q=0.8, zstd;q=0.9, gzip;q=0.7", "zstd"},
            {"br;q=0.5, gzip;q=0.5", "br"},
            {"br;q=0.001, gzip;q=0.002", "gzip"},
            {"deflate, compress", "identity"},
            {"br;q=0", "identity"},
            {"br;q=0, gzip", "gzip"},
            {"*", "br"},
            {"*;q=0.5, gzip", "gzip"},
            {"*;q=0.5, br;q=0.1", "zstd"},
            {"*, br;q=0", "zstd"},
            {"*, br;q=0, zstd;q=0", "gzip"},
        },
        ours);
}

TEST(AcceptEncoding, ReadsNamesAndWeightsLeniently) {
    expect_choices(
        {
            {"GZIP", "gzip"},
            {"Br, GZip", "br"},
            {"x-gzip", "gzip"},  // RFC 9110 §8.4.1.3
            {"X-GZIP;q=0.5, zstd;q=0.4", "gzip"},
            {"gzip;Q=0.5, br;q=0.4", "gzip"},
            {"gzip ; q=0.5 , br;\tq=0.4", "gzip"},
            {" gzip ,\tbr ", "br"},
            {",, gzip,,", "gzip"},
            // Malformed elements are ignored, whatever they say.
            {"br;q=1.5, gzip", "gzip"},
            {"br;q=abc, gzip;q=0.1", "gzip"},
            {"br;q=, gzip", "gzip"},
            {"br;level=5, gzip", "gzip"},
            {"br;q=0.5;x=1, gzip;q=0.1", "gzip"},
            {"br; q = 0.5, gzip;q=0.1", "gzip"},
            {"b r, gzip", "gzip"},
            {"\"br\", gzip", "gzip"},
            {"br;q=0.1234", "identity"},
            {"identity;q=2", "identity"},  // not a refusal
            {"*;q=bad", "identity"},
            // The first element naming a coding wins.
            {"br;q=0, br", "identity"},
            {"zstd, br;q=0, br", "zstd"},
            {"br, br;q=0", "br"},
        },
        ours);
}

TEST(AcceptEncoding, WeighsIdentity) {
    expect_choices(
        {
            {std::nullopt, "identity"},  // no field: send identity, the safe reading
            {""sv, "identity"},          // empty field: identity wanted
            {"identity", "identity"},
            {"identity, gzip", "gzip"},  // equal q: a coding wins the tie
            {"identity;q=0.5, gzip", "gzip"},
            {"gzip;q=0.5, identity", "identity"},
            {"gzip;q=0.5, identity;q=0.5", "gzip"},
            {"gzip;q=0.5, identity;q=0.6", "identity"},
            {"gzip;q=0.1", "gzip"},  // an unlisted identity ranks below every listed coding
            {"*;q=0.5, identity;q=0.6", "identity"},
            {"*;q=0.6, identity;q=0.5", "br"},
            {"*;q=0.7", "br"},
        },
        ours);
}

TEST(AcceptEncoding, ReportsWhenIdentityIsRefused) {
    expect_choices(
        {
            {"identity;q=0", "identity", true},
            {"gzip, identity;q=0", "gzip", true},
            {"*;q=0", "identity", true},
            {"*;q=0, gzip", "gzip", true},
            {"*;q=0, identity", "identity", false},  // a more specific entry overrides "*"
            {"*;q=0, identity;q=0.1", "identity", false},
            {"identity;q=0.000", "identity", true},
            {"identity;q=0, *", "br", true},
            {"deflate, identity;q=0", "identity", true},
            {"IDENTITY;Q=0", "identity", true},
        },
        ours);
}

TEST(AcceptEncoding, OnlyChoosesWhatIsAvailable) {
    constexpr std::array<std::string_view, 1> gzip_only = {"gzip"};
    expect_choices(
        {
            {"br", "identity"},
            {"br, gzip;q=0.1", "gzip"},
            {"*", "gzip"},
            {"br, identity;q=0", "identity", true},
        },
        gzip_only);
    expect_choices(
        {
            {"gzip, br", "identity"},
            {"*;q=0", "identity", true},
        },
        {});
    constexpr std::array<std::string_view, 2> with_identity = {"identity", "gzip"};
    expect_choices(
        {
            {"gzip", "gzip"},
            {"identity;q=0, gzip;q=0", "identity", true},
        },
        with_identity);
    constexpr std::array<std::string_view, 3> reversed = {"gzip", "zstd", "br"};
    expect_choices(
        {
            {"br, gzip", "gzip"},
            {"*", "gzip"},
            {"br;q=0.9, gzip;q=0.8", "br"},
        },
        reversed);
}

}  // namespace
}  // namespace ringwall::files
