// src/files/accept_encoding.h: picks the content coding of a response from the client's
// Accept-Encoding (RFC 9110 §12.5.3) and what the server has available.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace ringwall::files {

inline constexpr std::string_view identity_coding = "identity";

struct EncodingChoice {
    std::string_view coding = identity_coding;  // an element of `available`, or identity_coding
    // The client excluded identity ("identity;q=0", or "*;q=0" with no identity entry).
    bool identity_refused = false;

    bool is_identity() const noexcept { return coding == identity_coding; }
    // False: nothing we have is acceptable; answer 406, or ignore the field and send
    // identity anyway as RFC 9110 §12.5.3 also allows.
    bool is_acceptable() const noexcept { return !is_identity() || !identity_refused; }
};

// `available` lists the codings we could send (lowercase names such as "br", "zstd",
// "gzip"; not identity), in server preference order. The choice is the available coding
// with the highest q above 0; ties go to the earlier one in `available`. A coding the
// field does not name gets the q of "*", or 0 without "*". Identity is chosen instead
// when it has a strictly higher explicit q ("identity" or "*"), or when no coding has
// q > 0. Identity the field does not mention ranks below every listed coding but stays
// acceptable.
//
// Reading of the field: names are case-insensitive, "x-gzip" counts as "gzip" (§8.4.1.3),
// and the first element naming a coding wins over later ones. An element that is not
// `token [ OWS ";" OWS "q=" qvalue ]` (bad q such as "q=1.5" or "q=0.1234", another
// parameter, a non-token name) is ignored: ignoring never refuses identity, where reading
// it as q=0 could turn a sloppy client into a 406. An absent field gets identity: RFC 9110
// would allow any coding, but a client that says nothing may not decode one. An empty
// field asks for identity too.
EncodingChoice choose_encoding(std::optional<std::string_view> accept_encoding,
                               std::span<const std::string_view> available) noexcept;

// The q of a qvalue (RFC 9110 §12.4.2) in thousandths, 0..1000; nullopt when malformed.
std::optional<unsigned> parse_qvalue(std::string_view text) noexcept;

}  // namespace ringwall::files
