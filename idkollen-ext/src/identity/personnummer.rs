//! Swedish personnummer and samordningsnummer.

use super::{IdentityError, date, digits, luhn, string_form};

const KIND: &str = "personnummer";

/// Whether a [`Personnummer`] is a personnummer or a samordningsnummer (co-ordination number,
/// for people not registered in Sweden: the day of birth plus 60).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonnummerKind {
    /// A personnummer.
    Personnummer,
    /// A samordningsnummer: the day of birth plus 60.
    Samordningsnummer,
}

/// A Swedish personnummer or samordningsnummer.
///
/// Accepts `YYMMDD-XXXX`, `YYMMDD+XXXX` (`+`: 100 years or older), `YYMMDDXXXX`,
/// `YYYYMMDDXXXX` and `YYYYMMDD-XXXX`. A 12-digit form keeps its century; a 10-digit form takes
/// it from the separator and today's date. Checks the date (day minus 60 for a
/// samordningsnummer), that the serial is not 000, and the Luhn check digit.
///
/// The canonical form, used by [`Display`](std::fmt::Display) and serde, is the 12 digits
/// `YYYYMMDDXXXX` that BankID expects.
///
/// ```
/// use idkollen_ext::identity::Personnummer;
///
/// let pnr: Personnummer = "811228-9874".parse()?;
/// assert_eq!(pnr.to_string(), "198112289874");
/// assert!("811228-9875".parse::<Personnummer>().is_err());
/// # Ok::<(), idkollen_ext::identity::IdentityError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Personnummer {
    year: u16,
    month: u8,
    /// As written: 61..=91 for a samordningsnummer.
    day: u8,
    /// The three-digit serial and the check digit, `XXXX`.
    tail: u16,
}

impl Personnummer {
    /// Parses a personnummer, taking the century of a 10-digit form from today's date.
    pub fn parse(s: &str) -> Result<Self, IdentityError> {
        Self::parse_at(s, date::today())
    }

    /// Parses a personnummer, taking the century of a 10-digit form from `today`
    /// (year, month, day): the most recent matching year, or a century earlier after `+`.
    pub fn parse_at(s: &str, today: (u16, u8, u8)) -> Result<Self, IdentityError> {
        let s = s.trim();
        let (body, plus) = match s.len().checked_sub(5).map(|i| (i, s.as_bytes()[i])) {
            Some((i, sep @ (b'-' | b'+'))) => (format!("{}{}", &s[..i], &s[i + 1..]), sep == b'+'),
            _ => (s.to_string(), false),
        };
        let d = digits(&body).ok_or_else(|| bad_char(&body))?;
        let (century, rest) = match d.len() {
            12 => (Some(u16::from(d[0]) * 10 + u16::from(d[1])), &d[2..]),
            10 => (None, &d[..]),
            n => {
                return Err(IdentityError::Length {
                    kind: KIND,
                    expected: "10 or 12 digits",
                    found: n,
                });
            }
        };
        let yy = u16::from(rest[0]) * 10 + u16::from(rest[1]);
        let month = rest[2] * 10 + rest[3];
        let day = rest[4] * 10 + rest[5];
        let birth_day = if day > 60 { day - 60 } else { day };
        let year = match century {
            Some(c) => c * 100 + yy,
            None => {
                // In u32, so that no `today` overflows; a year outside 0..=9999 (from a `today`
                // before year 100 or after 9999) has no 12-digit form and is rejected.
                let (ty, tm, td) = (u32::from(today.0), today.1, today.2);
                let mut year = ty - ty % 100 + u32::from(yy);
                if (year, month, birth_day) > (ty, tm, td) {
                    year = year
                        .checked_sub(100)
                        .ok_or(IdentityError::Date { kind: KIND })?;
                }
                if plus {
                    year = year
                        .checked_sub(100)
                        .ok_or(IdentityError::Date { kind: KIND })?;
                }
                u16::try_from(year)
                    .ok()
                    .filter(|&y| y <= 9999)
                    .ok_or(IdentityError::Date { kind: KIND })?
            }
        };
        if !date::is_real(year, month, birth_day) {
            return Err(IdentityError::Date { kind: KIND });
        }
        if rest[6..9] == [0, 0, 0] {
            return Err(IdentityError::Serial { kind: KIND });
        }
        if !luhn::is_valid(rest) {
            return Err(IdentityError::CheckDigit { kind: KIND });
        }
        let tail = rest[6..].iter().fold(0u16, |n, &x| n * 10 + u16::from(x));
        Ok(Self {
            year,
            month,
            day,
            tail,
        })
    }

    /// Personnummer or samordningsnummer.
    pub fn kind(&self) -> PersonnummerKind {
        if self.day > 60 {
            PersonnummerKind::Samordningsnummer
        } else {
            PersonnummerKind::Personnummer
        }
    }

    /// The date of birth, as (year, month, day); for a samordningsnummer the day minus 60.
    pub fn birth_date(&self) -> (u16, u8, u8) {
        (
            self.year,
            self.month,
            if self.day > 60 {
                self.day - 60
            } else {
                self.day
            },
        )
    }

    /// The 12 digits `YYYYMMDDXXXX`.
    pub fn canonical(&self) -> String {
        format!(
            "{:04}{:02}{:02}{:04}",
            self.year, self.month, self.day, self.tail
        )
    }

    /// The 10-digit form with its separator as of `today`: `YYMMDD-XXXX`, or `YYMMDD+XXXX`
    /// from the year the holder turns 100.
    pub fn short_form_at(&self, today: (u16, u8, u8)) -> String {
        let sep = if today.0.saturating_sub(self.year) >= 100 {
            '+'
        } else {
            '-'
        };
        format!(
            "{:02}{:02}{:02}{sep}{:04}",
            self.year % 100,
            self.month,
            self.day,
            self.tail
        )
    }
}

fn bad_char(body: &str) -> IdentityError {
    let found = body.chars().find(|c| !c.is_ascii_digit()).unwrap_or('?');
    IdentityError::Character { kind: KIND, found }
}

string_form!(Personnummer);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::identity::luhn;

    const TODAY: (u16, u8, u8) = (2026, 11, 21);

    #[test]
    fn the_reference_example_in_every_form() {
        for s in [
            "811228-9874",
            "8112289874",
            "198112289874",
            "19811228-9874",
            " 811228-9874 ",
        ] {
            let p = Personnummer::parse_at(s, TODAY).unwrap();
            assert_eq!(p.canonical(), "198112289874", "{s}");
            assert_eq!(p.kind(), PersonnummerKind::Personnummer);
        }
        let p = Personnummer::parse_at("811228-9874", TODAY).unwrap();
        assert_eq!(p.short_form_at(TODAY), "811228-9874");
    }

    #[test]
    fn century_of_ten_digit_forms() {
        // 1 January 2010 is in the past: 20xx. 31 December 26 is in the future: 19xx.
        let p = Personnummer::parse_at(&with_check("100101123"), TODAY).unwrap();
        assert_eq!(p.birth_date().0, 2010);
        let p = Personnummer::parse_at(&with_check("261231123"), TODAY).unwrap();
        assert_eq!(p.birth_date().0, 1926);
        let plus = with_check("100101123").replacen('-', "+", 1);
        assert_eq!(
            Personnummer::parse_at(&plus, TODAY).unwrap().birth_date().0,
            1910
        );
        assert_eq!(
            Personnummer::parse_at(&plus, TODAY)
                .unwrap()
                .short_form_at(TODAY)
                .chars()
                .nth(6),
            Some('+')
        );
    }

    #[test]
    fn samordningsnummer_and_errors() {
        let s = Personnummer::parse_at(&with_check("811288987"), TODAY).unwrap();
        assert_eq!(s.kind(), PersonnummerKind::Samordningsnummer);
        assert_eq!(s.birth_date(), (1981, 12, 28));
        assert!(matches!(
            Personnummer::parse_at("811228-9875", TODAY),
            Err(IdentityError::CheckDigit { .. })
        ));
        assert!(matches!(
            Personnummer::parse_at(&with_check("811328987"), TODAY),
            Err(IdentityError::Date { .. })
        ));
        assert!(matches!(
            Personnummer::parse_at(&with_check("810229987"), TODAY),
            Err(IdentityError::Date { .. })
        ));
        assert!(matches!(
            Personnummer::parse_at(&with_check("811228000"), TODAY),
            Err(IdentityError::Serial { .. })
        ));
        assert!(matches!(
            Personnummer::parse_at("81122-89874", TODAY),
            Err(IdentityError::Character { .. })
        ));
        assert!(matches!(
            Personnummer::parse_at("8112289", TODAY),
            Err(IdentityError::Length { .. })
        ));
        assert!(Personnummer::parse_at("", TODAY).is_err());
        assert!(Personnummer::parse_at("ååååå", TODAY).is_err());
    }

    #[test]
    fn any_reference_date_gives_a_four_digit_year_or_an_error() {
        // Found by the fuzz target `personnummer`: a `today` after year 9999 gave a five-digit
        // canonical form that did not parse back, and one near u16::MAX overflowed.
        assert!(matches!(
            Personnummer::parse_at("2611226123", (13873, 48, 50)),
            Err(IdentityError::Date { .. })
        ));
        assert!(matches!(
            Personnummer::parse_at("811228-9874", (u16::MAX, 12, 31)),
            Err(IdentityError::Date { .. })
        ));
        // Before year 100 there is no earlier century to fall back to.
        assert!(matches!(
            Personnummer::parse_at("811228-9874", (50, 1, 1)),
            Err(IdentityError::Date { .. })
        ));
        assert!(matches!(
            Personnummer::parse_at("811228+9874", (181, 1, 1)),
            Err(IdentityError::Date { .. })
        ));
        let p = Personnummer::parse_at("811228-9874", (9999, 12, 31)).unwrap();
        assert_eq!(p.canonical(), "998112289874");
        assert_eq!(p.to_string().parse::<Personnummer>(), Ok(p));
    }

    #[test]
    fn serde_uses_the_canonical_form() {
        let p: Personnummer = serde_json::from_str("\"811228-9874\"").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"198112289874\"");
        assert!(serde_json::from_str::<Personnummer>("\"811228-9875\"").is_err());
    }

    /// `YYMMDDNNN` plus its Luhn check digit, as `YYMMDD-NNNC`.
    fn with_check(body: &str) -> String {
        let d: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
        format!("{}-{}{}", &body[..6], &body[6..], luhn::check_digit(&d))
    }

    proptest! {
        #[test]
        fn every_valid_number_parses_and_any_changed_digit_is_caught(
            year in 1900u16..2026, month in 1u8..=12, day in 1u8..=28, serial in 1u16..=999,
            coordination in any::<bool>(), position in 0usize..10, delta in 1u8..10,
        ) {
            let day = if coordination { day + 60 } else { day };
            let body = format!("{:02}{month:02}{day:02}{serial:03}", year % 100);
            let d: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
            let twelve = format!("{year}{month:02}{day:02}{serial:03}{}", luhn::check_digit(&d));
            let parsed = Personnummer::parse_at(&twelve, TODAY).unwrap();
            prop_assert_eq!(parsed.canonical(), twelve.clone());
            prop_assert_eq!(parsed.to_string().parse::<Personnummer>().unwrap(), parsed);

            // Changing any one of the last ten digits breaks the Luhn check (or the date).
            let mut bytes = twelve.into_bytes();
            let i = 2 + position;
            bytes[i] = b'0' + (bytes[i] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(Personnummer::parse_at(&changed, TODAY).is_err(), "{}", changed);
        }
    }
}
