// Random valid DNS messages, deterministic for a seed: random names in random case, records of
// every described type with random valid RDATA (generated from the type layouts), random section
// sizes, with or without OPT. Used by the generated round-trip test and by the fuzzers' seed
// corpus generator (fuzz/make_wire_corpus.cpp).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "residns/wire/message.hpp"

namespace residns::wire::test {

class message_generator {
public:
    explicit message_generator(std::uint64_t seed) : rng_(seed) {}

    message next_message();
    name next_name();
    std::uint16_t next_type();
    rdata next_rdata(std::uint16_t type);
    record next_record();

    // The types next_type() draws from: every described type but OPT, and some opaque ones.
    static const std::vector<std::uint16_t>& types();

private:
    std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(rng_() % n); }
    bool chance(std::uint32_t percent) { return below(100) < percent; }
    void random_octets(std::vector<std::uint8_t>& out, std::size_t count);
    void put_field(field_kind kind, std::vector<std::uint8_t>& out);
    void put_type_bitmap(std::vector<std::uint8_t>& out);
    void put_svc_params(std::vector<std::uint8_t>& out);

    std::mt19937_64 rng_;
    std::vector<name> recent_;  // names seen, reused so that compression has work to do
};

}  // namespace residns::wire::test
