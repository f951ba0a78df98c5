//! Every identity-number parser on arbitrary UTF-8: parsing never panics, and a number that
//! parses re-parses from its canonical form (`to_string()`) to an equal value.
//!
//! `Personnummer::parse_at` runs when the first line of the input is a reference date
//! `year-month-day` (any `u16`, `u8` and `u8`, so dates no calendar has are tried too); the
//! rest of the input is the string to parse.

#![no_main]

use std::fmt::{Debug, Display};

use idkollen_ext::identity::{Cpr, Fodselsnummer, Hetu, Organisationsnummer, Personnummer};
use libfuzzer_sys::fuzz_target;

/// If `parse` accepts `s`, it accepts the value's `to_string()` too, giving an equal value.
fn round_trip<T: Display + Debug + PartialEq, E: Debug>(
    s: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) {
    if let Ok(value) = parse(s) {
        let canonical = value.to_string();
        match parse(&canonical) {
            Ok(again) => assert_eq!(value, again, "{s:?} printed as {canonical:?}"),
            Err(e) => panic!("{s:?} parsed, but its form {canonical:?} does not: {e:?}"),
        }
    }
}

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
    if let Ok(s) = std::str::from_utf8(data) {
        round_trip(s, Personnummer::parse);
        round_trip(s, Organisationsnummer::parse);
        round_trip(s, Fodselsnummer::parse);
        round_trip(s, Cpr::parse);
        round_trip(s, Hetu::parse);
    }
    if let Some((first, rest)) = std::str::from_utf8(data)
        .ok()
        .and_then(|s| s.split_once('\n'))
        && let Some(today) = reference_date(first)
    {
        round_trip(rest, |s| Personnummer::parse_at(s, today));
    }
});
