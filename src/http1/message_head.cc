// src/http1/message_head.cc: field lookup on parsed heads.
#include "http1/message_head.h"

#include "util/ascii.h"

namespace ringwall::http1 {

namespace {

std::optional<std::string_view> find_field(const std::vector<Field>& fields,
                                           std::string_view name) noexcept {
    for (const Field& field : fields) {
        if (util::iequals(field.name, name)) {
            return field.value;
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string_view> RequestHead::find(std::string_view name) const noexcept {
    return find_field(fields, name);
}

std::optional<std::string_view> ResponseHead::find(std::string_view name) const noexcept {
    return find_field(fields, name);
}

}  // namespace ringwall::http1
