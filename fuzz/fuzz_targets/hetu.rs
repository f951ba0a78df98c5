//! `Hetu::parse` on arbitrary UTF-8: parsing never panics, and a number that parses
//! re-parses from its canonical form (`to_string()`) to an equal value.

#![no_main]

use idkollen_ext::identity::Hetu;
use idkollen_fuzz::utf8_parse_round_trip;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    utf8_parse_round_trip(data, Hetu::parse);
});
