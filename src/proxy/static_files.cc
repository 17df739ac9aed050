// src/proxy/static_files.cc: mapping a request to a file beneath the root, choosing its
// representation, evaluating preconditions and ranges, and the file I/O behind it.
#include "proxy/static_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>

#include "compress/compress.h"
#include "files/accept_encoding.h"
#include "files/conditional.h"
#include "files/etag.h"
#include "files/http_date.h"
#include "files/mime_types.h"
#include "files/multipart.h"
#include "files/path_normalizer.h"
#include "files/range.h"
#include "io/file_ops.h"
#include "util/ascii.h"

namespace ringwall::proxy {

namespace {

constexpr unsigned statx_mask = STATX_TYPE | STATX_MODE | STATX_INO | STATX_SIZE | STATX_MTIME;

std::string_view coding_name(config::ContentCoding coding) noexcept {
    switch (coding) {
        case config::ContentCoding::br: return "br";
        case config::ContentCoding::zstd: return "zstd";
        case config::ContentCoding::gzip: return "gzip";
    }
    return {};
}

std::optional<compress::Coding> compress_coding(std::string_view name) noexcept {
    if (name == "br") return compress::Coding::br;
    if (name == "zstd") return compress::Coding::zstd;
    if (name == "gzip") return compress::Coding::gzip;
    return std::nullopt;
}

std::string_view sibling_suffix(std::string_view coding) noexcept {
    const std::optional<compress::Coding> c = compress_coding(coding);
    return c ? compress::suffix(*c) : std::string_view();
}

}  // namespace

// The request fields static serving reads, found in one pass over the head.
struct RequestFacts {
    std::optional<std::string_view> accept_encoding;
    std::optional<std::string_view> if_match;
    std::optional<std::string_view> if_none_match;
    std::optional<std::string_view> if_modified_since;
    std::optional<std::string_view> if_unmodified_since;
    std::optional<std::string_view> if_range;
    std::optional<std::string_view> range;
    bool range_repeated = false;
    bool has_conditions = false;
    std::string joined[5];  // list fields sent on several lines, joined (rare)

    explicit RequestFacts(std::span<const Field> fields) {
        for (const Field& f : fields) {
            const std::string_view name = f.name;
            if (name.size() < 5) {
                continue;
            }
            const char first = static_cast<char>(name[0] | 0x20);
            if (first == 'a' && util::iequals(name, "accept-encoding")) {
                add(accept_encoding, joined[0], f.value);
            } else if (first == 'r' && util::iequals(name, "range")) {
                range_repeated = range.has_value();
                range = f.value;
            } else if (first == 'i') {
                if (util::iequals(name, "if-match")) {
                    add(if_match, joined[1], f.value);
                } else if (util::iequals(name, "if-none-match")) {
                    add(if_none_match, joined[2], f.value);
                } else if (util::iequals(name, "if-modified-since")) {
                    add(if_modified_since, joined[3], f.value);  // repeated: an invalid date, ignored
                } else if (util::iequals(name, "if-unmodified-since")) {
                    add(if_unmodified_since, joined[4], f.value);
                } else if (util::iequals(name, "if-range")) {
                    if_range = f.value;
                } else {
                    continue;
                }
                has_conditions = true;
            }
        }
    }

private:
    // RFC 9110 §5.3: field lines of one name combine with ", ".
    static void add(std::optional<std::string_view>& slot, std::string& storage, std::string_view value) {
        if (!slot) {
            slot = value;
            return;
        }
        if (storage.empty()) {
            storage.assign(*slot);
        }
        storage += ", ";
        storage += value;
        slot = storage;
    }
};

namespace {

// A path with nothing to decode or resolve, which is most of them: it is its own
// normalized form, and the general normalizer (which allocates) is skipped.
bool is_plain_path(std::string_view path) noexcept {
    if (path.empty() || path.front() != '/') {
        return false;
    }
    char previous = 0;
    for (const char c : path) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f || c == '%' || c == '\\' || (previous == '/' && (c == '/' || c == '.'))) {
            return false;
        }
        previous = c;
    }
    return true;
}

void add_field(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

// Appends `text` percent-encoded, leaving as is RFC 3986's unreserved characters and
// those in `also_plain`.
void append_escaped(std::string& out, std::string_view text, std::string_view also_plain) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (const unsigned char c : text) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           c == '-' || c == '.' || c == '_' || c == '~' ||
                           also_plain.find(static_cast<char>(c)) != std::string_view::npos;
        if (plain) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
}

// A path keeps RFC 3986's other pchar characters and '/'.
constexpr std::string_view path_plain = "!$&'()*+,;=:@/";

// Beneath the root, whatever the name holds: ".." and symlinks that leave it, absolute
// symlinks and /proc-style magic links all fail with EXDEV or ELOOP.
open_how beneath_root(const config::StaticFiles& cfg, std::uint64_t flags) noexcept {
    open_how how{};
    how.flags = flags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    if (cfg.symlinks == config::Symlinks::deny) {
        how.resolve |= RESOLVE_NO_SYMLINKS;
    }
    return how;
}

files::FileVersion version_of(const struct statx& st) noexcept {
    return files::FileVersion{
        .inode = st.stx_ino,
        .size = st.stx_size,
        .mtime_ns = static_cast<std::int64_t>(st.stx_mtime.tv_sec) * 1'000'000'000 + st.stx_mtime.tv_nsec};
}

// Files below mmap_threshold are compressed on the fly: larger ones would be read whole
// and compressed on the reactor, and are worth compressing ahead of time anyway.
bool compresses_on_the_fly(const config::StaticFiles& cfg, const config::Files& settings,
                           const CachedFile& identity) noexcept {
    return (identity.kind == CachedFile::Kind::memory || identity.kind == CachedFile::Kind::descriptor) &&
           identity.size < settings.mmap_threshold && !cfg.compress.empty() &&
           identity.size >= cfg.compress_min_size && files::is_compressible(identity.content_type);
}

// Whether the answer for this file may depend on Accept-Encoding (then Vary says so).
bool offers_codings(const config::StaticFiles& cfg, const config::Files& settings,
                    const CachedFile& identity) noexcept {
    return !cfg.precompressed.empty() || compresses_on_the_fly(cfg, settings, identity);
}

// The fields of a full 200, in the order the per-request path writes them too.
void write_fields_200(CachedFile& file, const CompiledRoute& route, bool vary) {
    std::string& fields = file.fields_200;
    add_field(fields, "Content-Type", file.content_type);
    add_field(fields, "Content-Length", std::to_string(file.size));
    if (!file.content_coding.empty()) {
        add_field(fields, "Content-Encoding", file.content_coding);
    }
    add_field(fields, "Accept-Ranges", "bytes");
    add_field(fields, "ETag", file.etag);
    add_field(fields, "Last-Modified", file.last_modified);
    if (vary) {
        add_field(fields, "Vary", "Accept-Encoding");
    }
    const std::string& cache_control = route.config().static_files.cache_control;
    if (!cache_control.empty()) {
        add_field(fields, "Cache-Control", cache_control);
    }
    fields += route.static_fields();
}

std::int64_t now_seconds() noexcept { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

// The representation chosen for a response: the file (identity, a precompressed sibling
// or a compressed variant) and how it is described.
struct StaticFiles::Representation {
    CachedFilePtr file;
    std::string_view content_type;
    std::string_view coding;  // "" for identity
    bool vary = false;        // the choice depended on Accept-Encoding
    const CompiledRoute* route = nullptr;
};

StaticFiles::StaticFiles(io::Reactor& reactor, std::shared_ptr<const Pipeline> pipeline, unsigned workers)
    : reactor_(reactor),
      pipeline_(std::move(pipeline)),
      cache_(pipeline_->config().files.cache_max_size / std::max(workers, 1u),
             static_cast<std::uint64_t>(pipeline_->config().files.revalidate.count())),
      boundary_seed_(std::random_device{}()) {
    boundary_seed_ = (boundary_seed_ << 32) ^ std::random_device{}();
}

bool StaticFiles::find(const std::string& key, CachedFilePtr& out, const StaticContext& context) {
    for (const auto& [loaded_key, file] : context.loaded) {
        if (loaded_key == key) {
            out = file;
            return true;
        }
    }
    const FileCache::Lookup lookup = cache_.find(key, reactor_.now_ms());
    if (!lookup.file || !lookup.fresh) {
        return false;
    }
    out = lookup.file;
    return true;
}

// "<route>\x01<relative path>\x01<variant>": routes of one snapshot may share a root with
// different settings, so the route is part of the identity.
const std::string& StaticFiles::key_for(const CompiledRoute& route, std::string_view relative,
                                        std::string_view variant) {
    key_.clear();
    const CompiledRoute* id = &route;
    key_.append(reinterpret_cast<const char*>(&id), sizeof id);  // fixed width: no separator needed
    key_ += '\x01';
    key_ += relative;
    key_ += '\x01';
    key_ += variant;
    return key_;
}

StaticFiles::Step StaticFiles::need(StaticContext& context, StaticNeed::Kind kind, const CompiledRoute& route,
                                    std::string relative) {
    context.need.kind = kind;
    context.need.key = key_;
    context.need.relative_path = std::move(relative);
    context.need.route = &route;
    return Step::need_io;
}

StaticFiles::Step StaticFiles::respond(Exchange& exchange, StaticContext& context) {
    const CompiledRoute& route = *exchange.route;
    const config::StaticFiles& cfg = route.config().static_files;
    const Request& request = exchange.request;
    if (request.method != "GET" && request.method != "HEAD") {
        answer_status(exchange, 405, "Allow: GET, HEAD\r\n");
        return Step::answered;
    }
    std::string_view path = request.path;
    const std::string& strip = route.config().strip_prefix;
    if (!strip.empty() && path.starts_with(strip)) {
        path.remove_prefix(strip.size());
    }
    std::string rooted;
    if (path.empty() || path.front() != '/') {
        rooted = "/";
        rooted += path;
        path = rooted;
    }
    files::NormalizeResult normalized;
    std::string_view clean = path;
    if (!is_plain_path(path)) {
        normalized = files::normalize_request_path(path);
        if (!normalized.is_ok()) {
            answer_status(exchange, normalized.status);
            return Step::answered;
        }
        if (cfg.dotfiles == config::Dotfiles::deny && files::is_dotfile_path(normalized.path)) {
            return answer_missing(exchange, context);
        }
        clean = normalized.path;
    }
    const bool names_directory = clean.back() == '/';
    const std::string_view relative = clean.substr(1);
    CachedFilePtr file;
    if (!find(key_for(route, relative, {}), file, context)) {
        return need(context, StaticNeed::Kind::lookup, route, std::string(relative));
    }
    switch (file->kind) {
        case CachedFile::Kind::directory: {
            if (!names_directory) {
                // Built from the clean path, never the raw one: "//evil.example/x" must not
                // become a Location naming another host.
                std::string extra = "Location: ";
                if (request.path.starts_with(strip) && !strip.empty()) {
                    extra += strip;
                    if (extra.back() == '/') {
                        extra.pop_back();
                    }
                }
                append_escaped(extra, clean, path_plain);  // starts with '/'
                extra += '/';
                if (!request.query.empty()) {
                    extra += '?';
                    extra += request.query;
                }
                extra += "\r\n";
                answer_status(exchange, 301, extra);
                return Step::answered;
            }
            for (const std::string& index : cfg.index) {
                const std::string candidate = std::string(relative) + index;
                CachedFilePtr index_file;
                if (!find(key_for(route, candidate, {}), index_file, context)) {
                    return need(context, StaticNeed::Kind::lookup, route, candidate);
                }
                if (index_file->is_file()) {
                    return serve_file(exchange, context, candidate, index_file);
                }
            }
            if (cfg.list_directories) {
                CachedFilePtr listing;
                if (!find(key_for(route, relative, "listing"), listing, context)) {
                    return need(context, StaticNeed::Kind::listing, route, std::string(relative));
                }
                if (listing->is_file()) {
                    const RequestFacts facts(request.fields);
                    answer_representation(exchange,
                                          Representation{.file = listing,
                                                         .content_type = listing->content_type,
                                                         .coding = {},
                                                         .vary = false,
                                                         .route = &route},
                                          facts);
                    return Step::answered;
                }
            }
            break;  // like a missing file: the fallback, or 404 (a directory's existence is not told)
        }
        case CachedFile::Kind::forbidden:
            answer_status(exchange, 403);
            return Step::answered;
        case CachedFile::Kind::missing:
            break;
        case CachedFile::Kind::unavailable:
            answer_status(exchange, 503);
            return Step::answered;
        default:
            return serve_file(exchange, context, relative, file);
    }
    return answer_missing(exchange, context);
}

// Single-page apps route in the browser: every name that is not a file gets the app.
StaticFiles::Step StaticFiles::answer_missing(Exchange& exchange, StaticContext& context) {
    const CompiledRoute& route = *exchange.route;
    const std::string& fallback_path = route.config().static_files.fallback;
    if (!fallback_path.empty()) {
        CachedFilePtr fallback;
        if (!find(key_for(route, fallback_path, {}), fallback, context)) {
            return need(context, StaticNeed::Kind::lookup, route, fallback_path);
        }
        if (fallback->is_file()) {
            return serve_file(exchange, context, fallback_path, fallback);
        }
    }
    answer_status(exchange, 404);
    return Step::answered;
}

StaticFiles::Step StaticFiles::serve_file(Exchange& exchange, StaticContext& context, std::string_view relative,
                                          const CachedFilePtr& identity) {
    const CompiledRoute& route = *exchange.route;
    const config::StaticFiles& cfg = route.config().static_files;
    const bool compressible = compresses_on_the_fly(cfg, pipeline_->config().files, *identity);
    // Codings we might send, in our order of preference: siblings first (made offline,
    // usually at the best level), then our own compression.
    std::array<std::string_view, 6> offered{};
    std::size_t offered_count = 0;
    const auto offer = [&](config::ContentCoding coding) {
        const std::string_view name = coding_name(coding);
        if (std::find(offered.begin(), offered.begin() + offered_count, name) == offered.begin() + offered_count) {
            offered[offered_count++] = name;
        }
    };
    for (const config::ContentCoding coding : cfg.precompressed) {
        offer(coding);
    }
    if (compressible) {
        for (const config::ContentCoding coding : cfg.compress) {
            offer(coding);
        }
    }
    Representation rep{.file = identity, .content_type = identity->content_type, .coding = {},
                       .vary = offered_count > 0, .route = &route};
    const RequestFacts facts(exchange.request.fields);
    const std::optional<std::string_view> accept = facts.accept_encoding;
    while (accept && offered_count > 0) {
        const files::EncodingChoice choice =
            files::choose_encoding(accept, std::span<const std::string_view>(offered.data(), offered_count));
        if (choice.is_identity()) {
            break;  // identity also when nothing is acceptable: RFC 9110 §12.5.3 allows it
        }
        const std::string_view coding = choice.coding;
        const bool precompressed = std::any_of(cfg.precompressed.begin(), cfg.precompressed.end(),
                                               [&](config::ContentCoding c) { return coding_name(c) == coding; });
        if (precompressed) {
            const std::string sibling = std::string(relative) + std::string(sibling_suffix(coding));
            CachedFilePtr file;
            if (!find(key_for(route, sibling, {}), file, context)) {
                return need(context, StaticNeed::Kind::lookup, route, sibling);
            }
            if (file->is_file()) {
                rep.file = file;
                rep.coding = coding;
                break;
            }
        }
        const bool on_the_fly = compressible && std::any_of(cfg.compress.begin(), cfg.compress.end(),
                                                            [&](config::ContentCoding c) {
                                                                return coding_name(c) == coding;
                                                            });
        if (on_the_fly) {
            CachedFilePtr variant;
            const bool known = find(key_for(route, relative, coding), variant, context);
            if (!known || variant->version != identity->version) {
                need(context, StaticNeed::Kind::compress, route, std::string(relative));
                context.need.source = identity;
                context.need.coding = std::string(coding);
                return Step::need_io;
            }
            if (variant->is_file()) {
                rep.file = variant;
                rep.coding = coding;
                break;
            }
        }
        // Not available after all: offer the rest.
        const auto gone = std::find(offered.begin(), offered.begin() + offered_count, coding);
        std::move(gone + 1, offered.begin() + offered_count, gone);
        --offered_count;
    }
    answer_representation(exchange, rep, facts);
    return Step::answered;
}

void StaticFiles::answer_status(Exchange& exchange, std::uint16_t status, std::string_view extra_fields) {
    if (status < 400) {  // a redirect: its Location is all there is to say
        std::string fields(extra_fields);
        fields += "Content-Length: 0\r\n";
        exchange.scratch = std::move(fields);
        exchange.response = Response{.status = status, .fields = exchange.scratch, .body = {},
                                     .has_content_length = true};
        return;
    }
    const Response page = pipeline_->error_response(status);
    if (extra_fields.empty()) {
        exchange.response = page;
        return;
    }
    std::string fields(page.fields);
    fields += extra_fields;
    exchange.scratch = std::move(fields);
    exchange.response = Response{.status = status, .fields = exchange.scratch, .body = page.body,
                                 .has_content_length = page.has_content_length};
}

void StaticFiles::answer_representation(Exchange& exchange, const Representation& rep, const RequestFacts& facts) {
    const CachedFile& file = *rep.file;
    const config::Route& route = rep.route->config();
    const Request& request = exchange.request;
    // A precompressed sibling was loaded as a file of its own type: its fields do not fit.
    const bool own_fields = !file.fields_200.empty() && rep.coding == file.content_coding;
    if (!facts.has_conditions && !facts.range && own_fields && file.kind != CachedFile::Kind::descriptor) {
        // The common case: everything was written when the file was loaded.
        exchange.body_owner = rep.file;
        exchange.response = Response{.status = 200, .fields = file.fields_200, .body = {}, .has_content_length = true};
        if (file.kind == CachedFile::Kind::mapped) {
            exchange.segments.push_back(BodySegment{.bytes = file.bytes(), .fd = -1, .offset = 0, .length = 0});
        } else {
            exchange.response.body = file.bytes();
        }
        return;
    }
    files::ConditionalOutcome outcome{.verdict = files::Precondition::proceed, .range_allowed = request.method == "GET"};
    if (facts.has_conditions) {
        const files::ConditionalRequest conditional{.method = request.method,
                                                    .if_match = facts.if_match,
                                                    .if_none_match = facts.if_none_match,
                                                    .if_modified_since = facts.if_modified_since,
                                                    .if_unmodified_since = facts.if_unmodified_since,
                                                    .if_range = facts.if_range,
                                                    .now = now_seconds()};
        outcome = files::evaluate_conditionals(
            conditional, files::Validators{.etag = file.etag, .last_modified = file.mtime_seconds});
    }
    if (outcome.verdict == files::Precondition::failed) {
        answer_status(exchange, 412);
        return;
    }

    std::string& fields = exchange.scratch;
    fields.clear();
    fields.reserve(320 + route.static_files.cache_control.size());
    // Fields every answer about this representation carries, 304 included (RFC 9110 §15.4.5).
    const auto validators = [&] {
        add_field(fields, "ETag", file.etag);
        add_field(fields, "Last-Modified", file.last_modified);
        if (rep.vary) {
            add_field(fields, "Vary", "Accept-Encoding");
        }
        if (!route.static_files.cache_control.empty()) {
            add_field(fields, "Cache-Control", route.static_files.cache_control);
        }
        fields += rep.route->static_fields();
    };
    if (outcome.verdict == files::Precondition::not_modified) {
        validators();
        exchange.response = Response{.status = 304, .fields = fields, .body = {}, .has_content_length = false};
        return;
    }

    std::uint16_t status = 200;
    files::RangeRequest ranges;
    if (outcome.range_allowed && facts.range && !facts.range_repeated) {
        ranges = files::parse_range(facts.range, file.size, pipeline_->config().files.max_ranges);
    }
    if (ranges.verdict == files::RangeVerdict::unsatisfiable || ranges.verdict == files::RangeVerdict::too_many) {
        std::string extra = "Content-Range: " + files::format_unsatisfied_range(file.size) + "\r\n";
        answer_status(exchange, 416, extra);
        return;
    }
    exchange.body_owner = rep.file;
    const auto body_piece = [&](std::uint64_t offset, std::uint64_t length) {
        if (file.kind == CachedFile::Kind::descriptor) {
            return BodySegment{.bytes = {}, .fd = file.fd, .offset = offset, .length = length};
        }
        return BodySegment{.bytes = file.bytes().substr(offset, length), .fd = -1, .offset = 0, .length = 0};
    };
    if (ranges.verdict == files::RangeVerdict::satisfiable && ranges.ranges.size() > 1) {
        files::MultipartByteranges multipart(files::make_boundary(boundary_seed_ + boundary_counter_++),
                                             rep.content_type, file.size, ranges.ranges);
        add_field(fields, "Content-Type", multipart.content_type());
        add_field(fields, "Content-Length", std::to_string(multipart.body_length()));
        if (!rep.coding.empty()) {
            add_field(fields, "Content-Encoding", rep.coding);
        }
        add_field(fields, "Accept-Ranges", "bytes");
        validators();
        // Part heads go after the fields in the scratch; views are taken once it stops growing.
        const std::size_t fields_end = fields.size();
        std::vector<std::pair<std::size_t, std::size_t>> heads;
        for (std::size_t i = 0; i < multipart.part_count(); ++i) {
            const std::string head = multipart.part_head(i);
            heads.emplace_back(fields.size(), head.size());
            fields += head;
        }
        const std::string closing = multipart.closing();
        const std::size_t closing_at = fields.size();
        fields += closing;
        for (std::size_t i = 0; i < heads.size(); ++i) {
            exchange.segments.push_back(BodySegment{.bytes = std::string_view(fields).substr(heads[i].first, heads[i].second),
                                                    .fd = -1, .offset = 0, .length = 0});
            exchange.segments.push_back(body_piece(ranges.ranges[i].first, ranges.ranges[i].size()));
        }
        exchange.segments.push_back(
            BodySegment{.bytes = std::string_view(fields).substr(closing_at), .fd = -1, .offset = 0, .length = 0});
        exchange.response = Response{.status = 206, .fields = std::string_view(fields).substr(0, fields_end),
                                     .body = {}, .has_content_length = true};
        return;
    }
    std::uint64_t offset = 0;
    std::uint64_t length = file.size;
    if (ranges.verdict == files::RangeVerdict::satisfiable) {
        status = 206;
        offset = ranges.ranges.front().first;
        length = ranges.ranges.front().size();
        add_field(fields, "Content-Range", files::format_content_range(ranges.ranges.front(), file.size));
    }
    add_field(fields, "Content-Type", rep.content_type);
    add_field(fields, "Content-Length", std::to_string(length));
    if (!rep.coding.empty()) {
        add_field(fields, "Content-Encoding", rep.coding);
    }
    add_field(fields, "Accept-Ranges", "bytes");
    validators();
    const BodySegment piece = body_piece(offset, length);
    // Mapped bytes go out as segments, which only the kernel reads: a copy made here could
    // touch a page the file no longer has (truncated meanwhile) and die of SIGBUS.
    if (piece.fd >= 0 || file.kind == CachedFile::Kind::mapped) {
        exchange.segments.push_back(piece);
        exchange.response = Response{.status = status, .fields = fields, .body = {}, .has_content_length = true};
    } else {
        exchange.response = Response{.status = status, .fields = fields, .body = piece.bytes, .has_content_length = true};
    }
}

io::Task<void> StaticFiles::load(StaticContext& context) {
    const StaticNeed& need = context.need;
    CachedFilePtr file;
    switch (need.kind) {
        case StaticNeed::Kind::lookup: file = co_await load_file(need); break;
        case StaticNeed::Kind::compress: file = co_await load_compressed(need); break;
        case StaticNeed::Kind::listing: file = co_await load_listing(need); break;
    }
    context.loaded.emplace_back(need.key, file);
}

io::Task<CachedFilePtr> StaticFiles::load_file(const StaticNeed& need) {
    const CompiledRoute& route = *need.route;
    const config::StaticFiles& cfg = route.config().static_files;
    const config::Files& settings = pipeline_->config().files;
    const open_how how = beneath_root(cfg, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    const std::string path = need.relative_path.empty() ? std::string(".") : need.relative_path;
    auto file = std::make_shared<CachedFile>();
    const int fd = co_await io::OpenAt2Op(reactor_, route.root_fd(), path.c_str(), how);
    if (fd < 0) {
        file->kind = fd == -EACCES || fd == -EPERM ? CachedFile::Kind::forbidden
                     : fd == -EMFILE || fd == -ENFILE || fd == -ENOMEM || fd == -EAGAIN || fd == -EBADF
                         ? CachedFile::Kind::unavailable
                         : CachedFile::Kind::missing;  // ENOENT, ENOTDIR, EXDEV, ELOOP, ENAMETOOLONG
        if (file->kind != CachedFile::Kind::unavailable) {
            cache_.put(need.key, file, reactor_.now_ms());  // a lack of descriptors passes; don't remember it
        }
        co_return file;
    }
    struct statx st {};
    const int stat_result = co_await io::StatxOp(reactor_, fd, statx_mask, &st);
    if (stat_result < 0) {
        ::close(fd);
        file->kind = CachedFile::Kind::unavailable;
        co_return file;
    }
    file->version = version_of(st);
    file->mtime_seconds = st.stx_mtime.tv_sec;
    // Unchanged since it was cached: keep its bytes, mapping or descriptor.
    const FileCache::Lookup old = cache_.find(need.key, reactor_.now_ms());
    if (old.file && old.file->kind != CachedFile::Kind::missing && old.file->version == file->version) {
        ::close(fd);
        cache_.mark_checked(need.key, reactor_.now_ms());
        co_return old.file;
    }
    if (S_ISDIR(st.stx_mode)) {
        ::close(fd);
        file->kind = CachedFile::Kind::directory;
        cache_.put(need.key, file, reactor_.now_ms());
        co_return file;
    }
    if (!S_ISREG(st.stx_mode)) {
        ::close(fd);
        file->kind = CachedFile::Kind::missing;  // devices, FIFOs, sockets are not files to serve
        cache_.put(need.key, file, reactor_.now_ms());
        co_return file;
    }
    file->size = st.stx_size;
    file->etag = files::make_etag(file->version);
    file->last_modified = files::format_http_date(file->mtime_seconds);
    file->content_type = std::string(pipeline_->mime_types().find_for_path(need.relative_path));
    if (file->size < settings.cache_file_max) {
        file->body.resize(file->size);
        std::uint64_t done = 0;
        while (done < file->size) {
            const int n = co_await io::ReadOp(reactor_, fd, file->body.data() + done,
                                              static_cast<std::uint32_t>(file->size - done), done);
            if (n <= 0) {
                break;  // shrank meanwhile: serve what was there; the next check sees the change
            }
            done += static_cast<std::uint64_t>(n);
        }
        ::close(fd);
        file->body.resize(done);
        file->size = done;
        file->kind = CachedFile::Kind::memory;
    } else if (file->size >= settings.mmap_threshold && settings.large_files == config::LargeFiles::mmap_zero_copy) {
        void* map = ::mmap(nullptr, file->size, PROT_READ, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) {
            file->fd = fd;
            file->kind = CachedFile::Kind::descriptor;
        } else {
            ::close(fd);
            file->map = static_cast<const char*>(map);
            file->kind = CachedFile::Kind::mapped;
        }
    } else {
        file->fd = fd;
        file->kind = CachedFile::Kind::descriptor;
    }
    write_fields_200(*file, route, offers_codings(cfg, settings, *file));
    cache_.put(need.key, file, reactor_.now_ms());
    co_return file;
}

io::Task<CachedFilePtr> StaticFiles::load_compressed(const StaticNeed& need) {
    const CachedFile& source = *need.source;
    auto variant = std::make_shared<CachedFile>();
    variant->version = source.version;
    std::string read_body;
    std::string_view input = source.body;
    if (source.kind == CachedFile::Kind::descriptor) {
        read_body.resize(source.size);
        std::uint64_t done = 0;
        while (done < source.size) {
            const int n = co_await io::ReadOp(reactor_, source.fd, read_body.data() + done,
                                              static_cast<std::uint32_t>(source.size - done), done);
            if (n <= 0) {
                break;
            }
            done += static_cast<std::uint64_t>(n);
        }
        if (done != source.size) {
            read_body.clear();  // changed under us: no variant now; the next check reloads
        }
        input = read_body;
    }
    const std::optional<compress::Coding> coding = compress_coding(need.coding);
    std::optional<std::string> body;
    if (coding && input.size() == source.size) {
        // Small files are compressed once per worker and served from memory for long: the
        // denser level pays. Larger ones get the fast level, as they hold the reactor.
        const compress::Level level = source.size < pipeline_->config().files.cache_file_max
                                          ? compress::Level::cached
                                          : compress::Level::on_the_fly;
        body = compress::compress(*coding, input, level);
    }
    // Not smaller: a variant that saves nothing is not worth a Content-Encoding.
    if (!body || body->size() >= source.size) {
        variant->kind = CachedFile::Kind::missing;
    } else {
        variant->kind = CachedFile::Kind::memory;
        variant->body = std::move(*body);
        variant->size = variant->body.size();
        variant->etag = files::make_encoded_etag(source.etag, need.coding);
        variant->last_modified = source.last_modified;
        variant->mtime_seconds = source.mtime_seconds;
        variant->content_type = source.content_type;
        variant->content_coding = need.coding;
        write_fields_200(*variant, *need.route, true);
    }
    cache_.put(key_for(*need.route, need.relative_path, need.coding), variant, reactor_.now_ms());
    co_return variant;
}

io::Task<CachedFilePtr> StaticFiles::load_listing(const StaticNeed& need) {
    const CompiledRoute& route = *need.route;
    const config::StaticFiles& cfg = route.config().static_files;
    const open_how how = beneath_root(cfg, O_RDONLY | O_CLOEXEC | O_DIRECTORY);
    const std::string path = need.relative_path.empty() ? std::string(".") : need.relative_path;
    auto listing = std::make_shared<CachedFile>();
    const int fd = co_await io::OpenAt2Op(reactor_, route.root_fd(), path.c_str(), how);
    struct statx st {};
    if (fd < 0 || co_await io::StatxOp(reactor_, fd, statx_mask, &st) < 0) {
        if (fd >= 0) {
            ::close(fd);
        }
        listing->kind = CachedFile::Kind::missing;
        co_return listing;
    }
    // Directory reads have no io_uring operation; a listing is an opt-in, rarely hot page.
    DIR* dir = ::fdopendir(fd);
    std::vector<std::pair<std::string, bool>> names;  // name, is a directory
    // A page, not a dump: a directory of millions of names must not build megabytes of HTML.
    constexpr std::size_t max_listed = 10'000;
    std::size_t unlisted = 0;
    if (dir != nullptr) {
        while (const dirent* entry = ::readdir(dir)) {
            if (names.size() == max_listed) {
                ++unlisted;
                continue;
            }
            const std::string_view name = entry->d_name;
            if (name == "." || name == ".." ||
                (cfg.dotfiles == config::Dotfiles::deny && name.starts_with('.'))) {
                continue;
            }
            names.emplace_back(std::string(name), entry->d_type == DT_DIR);
        }
        ::closedir(dir);
    } else {
        ::close(fd);
    }
    std::sort(names.begin(), names.end());
    const std::string title = html_escape("/" + need.relative_path);
    std::string& html = listing->body;
    html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of " + title +
           "</title></head>\n<body><h1>Index of " + title + "</h1>\n<ul>\n";
    if (!need.relative_path.empty()) {
        html += "<li><a href=\"../\">../</a></li>\n";
    }
    for (const auto& [name, is_directory] : names) {
        const std::string suffix = is_directory ? "/" : "";
        html += "<li><a href=\"";
        append_escaped(html, name, {});
        html += suffix + "\">" + html_escape(name) + suffix + "</a></li>\n";
    }
    html += "</ul>\n";
    if (unlisted > 0) {
        html += "<p>" + std::to_string(unlisted) + " more entries not listed.</p>\n";
    }
    html += "</body></html>\n";
    listing->kind = CachedFile::Kind::memory;
    listing->size = html.size();
    listing->version = version_of(st);
    listing->mtime_seconds = st.stx_mtime.tv_sec;
    listing->etag = files::make_encoded_etag(files::make_etag(listing->version), "listing");
    listing->last_modified = files::format_http_date(listing->mtime_seconds);
    listing->content_type = "text/html; charset=utf-8";
    cache_.put(key_for(route, need.relative_path, "listing"), listing, reactor_.now_ms());
    co_return listing;
}

}  // namespace ringwall::proxy
