//! `Personnummer::parse` and `Personnummer::parse_at` on arbitrary UTF-8: parsing never
//! panics, and a number that parses re-parses from its canonical form (`to_string()`) to an
//! equal value.
//!
//! `parse_at` runs when the first line of the input is a reference date `year-month-day` (any
//! `u16`, `u8` and `u8`, so dates no calendar has are tried too); the rest of the input is the
//! string to parse.

#![no_main]

use idkollen_ext::identity::Personnummer;
use idkollen_fuzz::{parse_round_trip, utf8_parse_round_trip};
use libfuzzer_sys::fuzz_target;

/// `year-month-day` as numbers, without any check that it is a real date.
fn reference_date(line: &str) -> Option<(u16, u8, u8)> {
    let mut parts = line.split('-');
    let date = (
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
    );
    parts.next().is_none().then_some(date)
}

fuzz_target!(|data: &[u8]| {
    utf8_parse_round_trip(data, Personnummer::parse);
    if let Some((first, rest)) = std::str::from_utf8(data)
        .ok()
        .and_then(|s| s.split_once('\n'))
        && let Some(today) = reference_date(first)
    {
        parse_round_trip(rest, |s| Personnummer::parse_at(s, today));
    }
});
