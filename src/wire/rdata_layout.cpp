// The RDATA layout of every type the wire module knows. Adding a type means adding one line here
// (and a field kind, if its RDATA holds something new); reading, writing, checking and text follow.
#include "residns/wire/rdata_layout.hpp"

#include <array>

#include "residns/wire/constants.hpp"

namespace residns::wire {
namespace {

using k = field_kind;

constexpr field_desc a_fields[] = {{k::ipv4, "address"}};
constexpr field_desc aaaa_fields[] = {{k::ipv6, "address"}};
constexpr field_desc compressed_target[] = {{k::name_compressed, "target"}};
constexpr field_desc plain_target[] = {{k::name, "target"}};
constexpr field_desc soa_fields[] = {{k::name_compressed, "mname"},
                                     {k::name_compressed, "rname"},
                                     {k::u32, "serial"},
                                     {k::ttl, "refresh"},
                                     {k::ttl, "retry"},
                                     {k::ttl, "expire"},
                                     {k::ttl, "minimum"}};
constexpr field_desc hinfo_fields[] = {{k::string, "cpu"}, {k::string, "os"}};
constexpr field_desc minfo_fields[] = {{k::name_compressed, "rmailbx"},
                                       {k::name_compressed, "emailbx"}};
constexpr field_desc mx_fields[] = {{k::u16, "preference"}, {k::name_compressed, "exchange"}};
constexpr field_desc txt_fields[] = {{k::strings, "text"}};
constexpr field_desc rp_fields[] = {{k::name, "mbox"}, {k::name, "txt"}};
constexpr field_desc preference_name[] = {{k::u16, "preference"}, {k::name, "exchange"}};
constexpr field_desc srv_fields[] = {
    {k::u16, "priority"}, {k::u16, "weight"}, {k::u16, "port"}, {k::name, "target"}};
constexpr field_desc naptr_fields[] = {{k::u16, "order"},     {k::u16, "preference"},
                                       {k::string, "flags"},  {k::string, "services"},
                                       {k::string, "regexp"}, {k::name, "replacement"}};
constexpr field_desc opt_fields[] = {{k::edns_options, "options"}};
constexpr field_desc ds_fields[] = {
    {k::u16, "key tag"}, {k::u8, "algorithm"}, {k::u8, "digest type"}, {k::hex, "digest"}};
constexpr field_desc sshfp_fields[] = {
    {k::u8, "algorithm"}, {k::u8, "fingerprint type"}, {k::hex, "fingerprint"}};
constexpr field_desc rrsig_fields[] = {
    {k::type, "type covered"}, {k::u8, "algorithm"},    {k::u8, "labels"},
    {k::ttl, "original ttl"},  {k::time, "expiration"}, {k::time, "inception"},
    {k::u16, "key tag"},       {k::name, "signer"},     {k::base64, "signature"}};
constexpr field_desc nsec_fields[] = {{k::name, "next"}, {k::type_bitmap, "types"}};
constexpr field_desc dnskey_fields[] = {
    {k::u16, "flags"}, {k::u8, "protocol"}, {k::u8, "algorithm"}, {k::base64, "public key"}};
constexpr field_desc nsec3_fields[] = {{k::u8, "hash algorithm"},
                                       {k::u8, "flags"},
                                       {k::u16, "iterations"},
                                       {k::hex_counted, "salt"},
                                       {k::base32_counted, "next hashed owner"},
                                       {k::type_bitmap, "types"}};
constexpr field_desc nsec3param_fields[] = {
    {k::u8, "hash algorithm"}, {k::u8, "flags"}, {k::u16, "iterations"}, {k::hex_counted, "salt"}};
constexpr field_desc tlsa_fields[] = {
    {k::u8, "usage"}, {k::u8, "selector"}, {k::u8, "matching type"}, {k::hex, "certificate data"}};
constexpr field_desc svcb_fields[] = {
    {k::u16, "priority"}, {k::name, "target"}, {k::svc_params, "params"}};
constexpr field_desc caa_fields[] = {{k::u8, "flags"}, {k::tag, "tag"}, {k::text_to_end, "value"}};
constexpr field_desc px_fields[] = {
    {k::u16, "preference"}, {k::name, "map822"}, {k::name, "mapx400"}};
constexpr field_desc nxt_fields[] = {{k::name, "next"}, {k::hex, "type bitmap"}};
constexpr field_desc opaque_fields[] = {{k::opaque, "data"}};

constexpr std::uint16_t type_md = 3;
constexpr std::uint16_t type_mf = 4;
constexpr std::uint16_t type_mb = 7;
constexpr std::uint16_t type_mg = 8;
constexpr std::uint16_t type_mr = 9;
constexpr std::uint16_t type_minfo = 14;
constexpr std::uint16_t type_rp = 17;
constexpr std::uint16_t type_afsdb = 18;
constexpr std::uint16_t type_rt = 21;
constexpr std::uint16_t type_sig = 24;
constexpr std::uint16_t type_key = 25;
constexpr std::uint16_t type_px = 26;
constexpr std::uint16_t type_nxt = 30;
constexpr std::uint16_t type_kx = 36;
constexpr std::uint16_t type_nsec3param = 51;

constexpr rdata_layout layouts[] = {
    {rr_type::a, a_fields},
    {rr_type::ns, compressed_target},
    {type_md, compressed_target},
    {type_mf, compressed_target},
    {rr_type::cname, compressed_target},
    {rr_type::soa, soa_fields},
    {type_mb, compressed_target},
    {type_mg, compressed_target},
    {type_mr, compressed_target},
    {rr_type::ptr, compressed_target},
    {rr_type::hinfo, hinfo_fields},
    {type_minfo, minfo_fields},
    {rr_type::mx, mx_fields},
    {rr_type::txt, txt_fields},
    {type_rp, rp_fields},
    {type_afsdb, preference_name},
    {type_rt, preference_name},
    {type_sig, rrsig_fields},
    {type_key, dnskey_fields},  // RFC 2535 KEY: the layout DNSKEY inherited
    {type_px, px_fields},
    {rr_type::aaaa, aaaa_fields},
    {type_nxt, nxt_fields},
    {rr_type::srv, srv_fields},
    {rr_type::naptr, naptr_fields},
    {type_kx, preference_name},
    {rr_type::dname, plain_target},
    {rr_type::opt, opt_fields},
    {rr_type::ds, ds_fields},
    {rr_type::sshfp, sshfp_fields},
    {rr_type::rrsig, rrsig_fields},
    {rr_type::nsec, nsec_fields},
    {rr_type::dnskey, dnskey_fields},
    {rr_type::nsec3, nsec3_fields},
    {type_nsec3param, nsec3param_fields},
    {rr_type::tlsa, tlsa_fields},
    {rr_type::svcb, svcb_fields},
    {rr_type::https, svcb_fields},
    {rr_type::caa, caa_fields},
};

constexpr rdata_layout generic_layout{0, opaque_fields};

// Index into `layouts` by type, for the types below 512 (all of the above); 0xFF means none.
constexpr std::size_t direct_types = 512;
constexpr std::array<std::uint8_t, direct_types> make_index() {
    std::array<std::uint8_t, direct_types> index{};
    for (auto& slot : index)
        slot = 0xFF;
    for (std::size_t i = 0; i < std::size(layouts); ++i) {
        index[layouts[i].type] = static_cast<std::uint8_t>(i);
    }
    return index;
}
constexpr auto layout_index = make_index();

}  // namespace

const rdata_layout* find_layout(std::uint16_t type) {
    if (type >= direct_types) return nullptr;
    std::uint8_t i = layout_index[type];
    return i == 0xFF ? nullptr : &layouts[i];
}

const rdata_layout& opaque_layout() {
    return generic_layout;
}

bool rdata_names_compressible(std::uint16_t type) {
    const rdata_layout* layout = find_layout(type);
    if (layout == nullptr) return false;
    for (const auto& field : layout->fields) {
        if (field.kind == field_kind::name_compressed) return true;
    }
    return false;
}

}  // namespace residns::wire
