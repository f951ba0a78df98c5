//! Norwegian fødselsnummer, D-numbers and H-numbers.

use super::{IdentityError, date, digits, string_form};

const KIND: &str = "fødselsnummer";
const K1_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// What a [`Fodselsnummer`] identifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FodselsnummerKind {
    /// A fødselsnummer of the National Population Register.
    Fodselsnummer,
    /// A D-number, for people with a temporary connection to Norway: the day plus 40.
    DNumber,
    /// An H-number, an auxiliary number used in health care: the month plus 40.
    HNumber,
}

/// A Norwegian fødselsnummer, D-number or H-number: 11 digits `DDMMYYIIIKK`.
///
/// Checks both mod-11 check digits, and the date with the century that the individual number
/// `III` implies. The canonical form is the 11 digits.
///
/// ```
/// use idkollen_ext::identity::Fodselsnummer;
///
/// let fnr: Fodselsnummer = "15108695088".parse()?;
/// assert_eq!(fnr.birth_date(), (1986, 10, 15));
/// # Ok::<(), idkollen_ext::identity::IdentityError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fodselsnummer {
    digits: [u8; 11],
    birth_year: u16,
}

impl Fodselsnummer {
    /// Parses a fødselsnummer (a space or `-` after the date is allowed).
    pub fn parse(s: &str) -> Result<Self, IdentityError> {
        let body: String = s
            .trim()
            .chars()
            .enumerate()
            .filter(|&(i, c)| !(i == 6 && (c == ' ' || c == '-')))
            .map(|(_, c)| c)
            .collect();
        let d = digits(&body).ok_or_else(|| IdentityError::Character {
            kind: KIND,
            found: body.chars().find(|c| !c.is_ascii_digit()).unwrap_or('?'),
        })?;
        if d.len() != 11 {
            return Err(IdentityError::Length {
                kind: KIND,
                expected: "11 digits",
                found: d.len(),
            });
        }
        if check_digit(&d[..9], &K1_WEIGHTS) != Some(d[9])
            || check_digit(&d[..10], &K2_WEIGHTS) != Some(d[10])
        {
            return Err(IdentityError::CheckDigit { kind: KIND });
        }
        let (mut day, mut month) = (d[0] * 10 + d[1], d[2] * 10 + d[3]);
        if day > 40 {
            day -= 40;
        } else if month > 40 {
            month -= 40;
        }
        let yy = u16::from(d[4]) * 10 + u16::from(d[5]);
        let individual = u16::from(d[6]) * 100 + u16::from(d[7]) * 10 + u16::from(d[8]);
        let century = match (individual, yy) {
            (0..=499, _) => 1900,
            (500..=749, 54..=99) => 1800,
            (500..=999, 0..=39) => 2000,
            (900..=999, 40..=99) => 1900,
            _ => return Err(IdentityError::Serial { kind: KIND }),
        };
        let birth_year = century + yy;
        if !date::is_real(birth_year, month, day) {
            return Err(IdentityError::Date { kind: KIND });
        }
        let mut digits = [0; 11];
        digits.copy_from_slice(&d);
        Ok(Self { digits, birth_year })
    }

    /// Fødselsnummer, D-number or H-number.
    pub fn kind(&self) -> FodselsnummerKind {
        if self.digits[0] >= 4 {
            FodselsnummerKind::DNumber
        } else if self.digits[2] >= 4 {
            FodselsnummerKind::HNumber
        } else {
            FodselsnummerKind::Fodselsnummer
        }
    }

    /// The date of birth as (year, month, day).
    pub fn birth_date(&self) -> (u16, u8, u8) {
        let d = &self.digits;
        let (day, month) = (d[0] * 10 + d[1], d[2] * 10 + d[3]);
        match self.kind() {
            FodselsnummerKind::DNumber => (self.birth_year, month, day - 40),
            FodselsnummerKind::HNumber => (self.birth_year, month - 40, day),
            FodselsnummerKind::Fodselsnummer => (self.birth_year, month, day),
        }
    }

    /// The 11 digits.
    pub fn canonical(&self) -> String {
        self.digits.iter().map(|d| char::from(b'0' + d)).collect()
    }
}

/// The mod-11 check digit for `digits` with `weights`; `None` where the rule gives 10 (no valid
/// number has that body).
fn check_digit(digits: &[u8], weights: &[u32]) -> Option<u8> {
    let sum: u32 = digits
        .iter()
        .zip(weights)
        .map(|(&d, &w)| u32::from(d) * w)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k as u8),
    }
}

string_form!(Fodselsnummer);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_reference_example_and_errors() {
        let f = Fodselsnummer::parse("15108695088").unwrap();
        assert_eq!(f.kind(), FodselsnummerKind::Fodselsnummer);
        assert_eq!(f.canonical(), "15108695088");
        assert_eq!(Fodselsnummer::parse("151086 95088").unwrap(), f);
        assert!(matches!(
            Fodselsnummer::parse("15108695089"),
            Err(IdentityError::CheckDigit { .. })
        ));
        assert!(matches!(
            Fodselsnummer::parse("1510869508"),
            Err(IdentityError::Length { .. })
        ));
        assert!(matches!(
            Fodselsnummer::parse("1510869508x"),
            Err(IdentityError::Character { .. })
        ));
    }

    /// Appends both check digits to a 9-digit body, or `None` when no valid number has it.
    fn complete(body: &[u8]) -> Option<Vec<u8>> {
        let mut d = body.to_vec();
        d.push(check_digit(&d, &K1_WEIGHTS)?);
        d.push(check_digit(&d, &K2_WEIGHTS)?);
        Some(d)
    }

    fn text(d: &[u8]) -> String {
        d.iter().map(|d| char::from(b'0' + d)).collect()
    }

    #[test]
    fn d_and_h_numbers() {
        let d = (0..1000)
            .find_map(|i: u16| {
                complete(&[
                    5,
                    5,
                    1,
                    0,
                    8,
                    6,
                    (i / 100) as u8 % 5,
                    (i / 10 % 10) as u8,
                    (i % 10) as u8,
                ])
            })
            .unwrap();
        let parsed = Fodselsnummer::parse(&text(&d)).unwrap();
        assert_eq!(parsed.kind(), FodselsnummerKind::DNumber);
        assert_eq!(parsed.birth_date(), (1986, 10, 15));
        let h = (0..1000)
            .find_map(|i: u16| {
                complete(&[
                    1,
                    5,
                    5,
                    0,
                    8,
                    6,
                    (i / 100) as u8 % 5,
                    (i / 10 % 10) as u8,
                    (i % 10) as u8,
                ])
            })
            .unwrap();
        let parsed = Fodselsnummer::parse(&text(&h)).unwrap();
        assert_eq!(parsed.kind(), FodselsnummerKind::HNumber);
        assert_eq!(parsed.birth_date(), (1986, 10, 15));
    }

    proptest! {
        #[test]
        fn every_valid_number_parses_and_any_changed_digit_is_caught(
            day in 1u8..=28, month in 1u8..=12, yy in 0u8..100, individual in 0u16..500,
            d_number in any::<bool>(), position in 0usize..11, delta in 1u8..10,
        ) {
            let day = if d_number { day + 40 } else { day };
            let body = [day / 10, day % 10, month / 10, month % 10, yy / 10, yy % 10,
                        (individual / 100) as u8, (individual / 10 % 10) as u8, (individual % 10) as u8];
            if let Some(full) = complete(&body) {
                let parsed = Fodselsnummer::parse(&text(&full)).unwrap();
                prop_assert_eq!(parsed.canonical(), text(&full));
                prop_assert_eq!(parsed.birth_date(), (1900 + u16::from(yy), month, if d_number { day - 40 } else { day }));
                let mut changed = full.clone();
                changed[position] = (changed[position] + delta) % 10;
                prop_assert!(Fodselsnummer::parse(&text(&changed)).is_err(), "{}", text(&changed));
            }
        }
    }
}
