//! Danish CPR numbers.

use super::{IdentityError, date, digits, string_form};

const KIND: &str = "CPR number";

/// What a [`Cpr`] number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CprKind {
    /// A CPR number of the Civil Registration System.
    Cpr,
    /// A replacement number (erstatningspersonnummer): the day plus 60.
    Replacement,
}

/// A Danish CPR number, `DDMMYY-SSSS`.
///
/// Denmark dropped the mod-11 check in 2007, so the date is what can be checked: the century
/// comes from the first serial digit together with the year. The canonical form is
/// `DDMMYY-SSSS`.
///
/// ```
/// use idkollen_ext::identity::Cpr;
///
/// let cpr: Cpr = "0707614285".parse()?;
/// assert_eq!(cpr.to_string(), "070761-4285");
/// assert_eq!(cpr.birth_date(), (1961, 7, 7));
/// # Ok::<(), idkollen_ext::identity::IdentityError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cpr {
    digits: [u8; 10],
    birth_year: u16,
}

impl Cpr {
    /// Parses a CPR number, with or without the `-`.
    pub fn parse(s: &str) -> Result<Self, IdentityError> {
        let s = s.trim();
        let body: String = match s.as_bytes().get(6) {
            Some(b'-') => format!("{}{}", &s[..6], &s[7..]),
            _ => s.to_string(),
        };
        let d = digits(&body).ok_or_else(|| IdentityError::Character {
            kind: KIND,
            found: body.chars().find(|c| !c.is_ascii_digit()).unwrap_or('?'),
        })?;
        if d.len() != 10 {
            return Err(IdentityError::Length {
                kind: KIND,
                expected: "10 digits",
                found: d.len(),
            });
        }
        let (day, month) = (d[0] * 10 + d[1], d[2] * 10 + d[3]);
        let day = if day > 60 { day - 60 } else { day };
        let yy = u16::from(d[4]) * 10 + u16::from(d[5]);
        let century = match (d[6], yy) {
            (0..=3, _) => 1900,
            (4 | 9, 0..=36) => 2000,
            (4 | 9, _) => 1900,
            (_, 0..=57) => 2000,
            (_, _) => 1800,
        };
        let birth_year = century + yy;
        if !date::is_real(birth_year, month, day) {
            return Err(IdentityError::Date { kind: KIND });
        }
        let mut digits = [0; 10];
        digits.copy_from_slice(&d);
        Ok(Self { digits, birth_year })
    }

    /// A CPR number or a replacement number.
    pub fn kind(&self) -> CprKind {
        if self.digits[0] >= 6 {
            CprKind::Replacement
        } else {
            CprKind::Cpr
        }
    }

    /// The date of birth as (year, month, day).
    pub fn birth_date(&self) -> (u16, u8, u8) {
        let d = &self.digits;
        let day = d[0] * 10 + d[1];
        (
            self.birth_year,
            d[2] * 10 + d[3],
            if day > 60 { day - 60 } else { day },
        )
    }

    /// `DDMMYY-SSSS`.
    pub fn canonical(&self) -> String {
        let s: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        format!("{}-{}", &s[..6], &s[6..])
    }
}

string_form!(Cpr);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn centuries_from_the_seventh_digit() {
        assert_eq!(Cpr::parse("010100-1234").unwrap().birth_date().0, 1900);
        assert_eq!(Cpr::parse("010100-4234").unwrap().birth_date().0, 2000);
        assert_eq!(Cpr::parse("010137-4234").unwrap().birth_date().0, 1937);
        assert_eq!(Cpr::parse("010157-5234").unwrap().birth_date().0, 2057);
        assert_eq!(Cpr::parse("010158-5234").unwrap().birth_date().0, 1858);
        assert_eq!(Cpr::parse("010136-9234").unwrap().birth_date().0, 2036);
        assert_eq!(
            Cpr::parse("610100-1234").unwrap().kind(),
            CprKind::Replacement
        );
    }

    #[test]
    fn errors() {
        // 29 February 1900 did not exist; 29 February 2000 did.
        assert!(matches!(
            Cpr::parse("290200-1234"),
            Err(IdentityError::Date { .. })
        ));
        assert!(Cpr::parse("290200-4234").is_ok());
        assert!(matches!(
            Cpr::parse("321299-1234"),
            Err(IdentityError::Date { .. })
        ));
        assert!(Cpr::parse("0101001234").is_ok());
        assert!(matches!(
            Cpr::parse("010100-123"),
            Err(IdentityError::Length { .. })
        ));
        assert!(matches!(
            Cpr::parse("0101OO-1234"),
            Err(IdentityError::Character { .. })
        ));
    }

    proptest! {
        #[test]
        fn every_real_date_parses_and_round_trips(day in 1u8..=28, month in 1u8..=12, yy in 0u8..100, serial in 0u16..10000) {
            let s = format!("{day:02}{month:02}{yy:02}-{serial:04}");
            let parsed = Cpr::parse(&s).unwrap();
            prop_assert_eq!(parsed.canonical(), s.clone());
            prop_assert_eq!(parsed.to_string().parse::<Cpr>().unwrap(), parsed);
        }

        #[test]
        fn impossible_days_are_rejected(day in 32u8..=60, month in 1u8..=12, yy in 0u8..100, serial in 0u16..10000) {
            let s = format!("{day:02}{month:02}{yy:02}{serial:04}");
            prop_assert!(Cpr::parse(&s).is_err());
        }
    }
}
