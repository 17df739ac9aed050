// src/files/http_date.cc: HTTP-date parsing and formatting on std::chrono's calendar.
#include "files/http_date.h"

#include <algorithm>
#include <array>
#include <chrono>

#include "files/field_text.h"

namespace ringwall::files {

namespace {

namespace chrono = std::chrono;

constexpr std::array<std::string_view, 7> short_days = {"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> long_days = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr std::int64_t seconds_per_day = 86400;

template <std::size_t N>
bool is_one_of(std::string_view text, const std::array<std::string_view, N>& names) {
    return std::find(names.begin(), names.end(), text) != names.end();
}

// 1..12, or 0 when `text` is not a month name.
unsigned month_number(std::string_view text) {
    const auto it = std::find(months.begin(), months.end(), text);
    return it == months.end() ? 0 : static_cast<unsigned>(it - months.begin() + 1);
}

// Exactly `text.size()` digits.
std::optional<int> digits(std::string_view text) {
    int value = 0;
    for (char c : text) {
        if (!is_digit(c)) {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

// "HH:MM:SS" as seconds into the day.
std::optional<std::int64_t> time_of_day(std::string_view text) {
    if (text.size() != 8 || text[2] != ':' || text[5] != ':') {
        return std::nullopt;
    }
    const std::optional<int> hour = digits(text.substr(0, 2));
    const std::optional<int> minute = digits(text.substr(3, 2));
    const std::optional<int> second = digits(text.substr(6, 2));
    if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 60) {
        return std::nullopt;
    }
    return std::int64_t{*hour} * 3600 + *minute * 60 + *second;
}

std::optional<std::int64_t> combine(int year, unsigned month, std::optional<int> day,
                                    std::optional<std::int64_t> time) {
    if (month == 0 || !day || !time) {
        return std::nullopt;
    }
    const chrono::year_month_day date{chrono::year{year}, chrono::month{month},
                                      chrono::day{static_cast<unsigned>(*day)}};
    if (!date.ok()) {
        return std::nullopt;
    }
    const std::int64_t days = chrono::sys_days{date}.time_since_epoch().count();
    return days * seconds_per_day + *time;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<std::int64_t> parse_imf_fixdate(std::string_view s) {
    if (s.size() != http_date_size || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s.substr(25) != " GMT" || !is_one_of(s.substr(0, 3), short_days)) {
        return std::nullopt;
    }
    const std::optional<int> year = digits(s.substr(12, 4));
    if (!year) {
        return std::nullopt;
    }
    return combine(*year, month_number(s.substr(8, 3)), digits(s.substr(5, 2)),
                   time_of_day(s.substr(17, 8)));
}

// "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<std::int64_t> parse_rfc850(std::string_view s, std::int64_t now) {
    const std::size_t comma = s.find(',');
    if (comma == std::string_view::npos || !is_one_of(s.substr(0, comma), long_days)) {
        return std::nullopt;
    }
    const std::string_view rest = s.substr(comma);
    if (rest.size() != 24 || rest.substr(0, 2) != ", " || rest[4] != '-' || rest[8] != '-' ||
        rest[11] != ' ' || rest.substr(20) != " GMT") {
        return std::nullopt;
    }
    const std::optional<int> two_digits = digits(rest.substr(9, 2));
    if (!two_digits) {
        return std::nullopt;
    }
    // Put the year within (this year - 50, this year + 50].
    const std::int64_t clamped_now = std::clamp<std::int64_t>(now, 0, max_http_date);
    const chrono::year_month_day today{
        chrono::sys_days{chrono::days{clamped_now / seconds_per_day}}};
    const int this_year = static_cast<int>(today.year());
    int year = this_year - this_year % 100 + *two_digits;
    if (year > this_year + 50) {
        year -= 100;
    } else if (year <= this_year - 50) {
        year += 100;
    }
    return combine(year, month_number(rest.substr(5, 3)), digits(rest.substr(2, 2)),
                   time_of_day(rest.substr(12, 8)));
}

// "Sun Nov  6 08:49:37 1994"
std::optional<std::int64_t> parse_asctime(std::string_view s) {
    if (s.size() != 24 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[19] != ' ' ||
        !is_one_of(s.substr(0, 3), short_days)) {
        return std::nullopt;
    }
    // date3 = month SP ( 2DIGIT / ( SP DIGIT ) )
    const std::optional<int> day = s[8] == ' ' ? digits(s.substr(9, 1)) : digits(s.substr(8, 2));
    const std::optional<int> year = digits(s.substr(20, 4));
    if (!year) {
        return std::nullopt;
    }
    return combine(*year, month_number(s.substr(4, 3)), day, time_of_day(s.substr(11, 8)));
}

void append_two_digits(std::string& out, unsigned value) {
    out.push_back(static_cast<char>('0' + value / 10));
    out.push_back(static_cast<char>('0' + value % 10));
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view text, std::int64_t now) {
    if (text.size() == http_date_size && text[3] == ',') {
        return parse_imf_fixdate(text);
    }
    if (text.size() == 24 && text[3] == ' ') {
        return parse_asctime(text);
    }
    return parse_rfc850(text, now);
}

std::string format_http_date(std::int64_t seconds) {
    seconds = std::clamp<std::int64_t>(seconds, 0, max_http_date);
    const chrono::sys_days day{chrono::days{seconds / seconds_per_day}};
    const chrono::year_month_day date{day};
    const auto in_day = static_cast<unsigned>(seconds % seconds_per_day);
    const auto year = static_cast<unsigned>(static_cast<int>(date.year()));

    std::string out;
    out.reserve(http_date_size);
    out.append(short_days[chrono::weekday{day}.c_encoding()]).append(", ");
    append_two_digits(out, static_cast<unsigned>(date.day()));
    out.push_back(' ');
    out.append(months[static_cast<unsigned>(date.month()) - 1]).push_back(' ');
    append_two_digits(out, year / 100);
    append_two_digits(out, year % 100);
    out.push_back(' ');
    append_two_digits(out, in_day / 3600);
    out.push_back(':');
    append_two_digits(out, in_day / 60 % 60);
    out.push_back(':');
    append_two_digits(out, in_day % 60);
    out.append(" GMT");
    return out;
}

}  // namespace ringwall::files
