//! Finnish henkilötunnus (HETU).

use super::{IdentityError, date, digits, number, string_form};

const KIND: &str = "henkilötunnus";
const CHECK_CHARS: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// A Finnish personal identity code, henkilötunnus: `DDMMYYCZZZQ`.
///
/// `C` is the century sign: `+` for the 1800s; `-`, `Y`, `X`, `W`, `V`, `U` for the 1900s;
/// `A` to `F` for the 2000s. `ZZZ` is the individual number (002–899, or 900–999 for a temporary
/// code) and `Q` the check character. The canonical form is upper case, with the century sign as
/// given.
///
/// ```
/// use idkollen_ext::identity::Hetu;
///
/// let hetu: Hetu = "131052-308t".parse()?;
/// assert_eq!(hetu.to_string(), "131052-308T");
/// assert_eq!(hetu.birth_date(), (1952, 10, 13));
/// # Ok::<(), idkollen_ext::identity::IdentityError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hetu {
    text: String,
    birth: (u16, u8, u8),
}

impl Hetu {
    /// Parses a henkilötunnus (case-insensitive).
    pub fn parse(s: &str) -> Result<Self, IdentityError> {
        let text = s.trim().to_ascii_uppercase();
        let chars: Vec<char> = text.chars().collect();
        if chars.len() != 11 {
            return Err(IdentityError::Length {
                kind: KIND,
                expected: "11 characters",
                found: chars.len(),
            });
        }
        let date_part: String = chars[..6].iter().collect();
        let individual: String = chars[7..10].iter().collect();
        let bad = |part: &str| IdentityError::Character {
            kind: KIND,
            found: part.chars().find(|c| !c.is_ascii_digit()).unwrap_or('?'),
        };
        let d = digits(&date_part).ok_or_else(|| bad(&date_part))?;
        let z = digits(&individual).ok_or_else(|| bad(&individual))?;
        let century = match chars[6] {
            '+' => 1800,
            '-' | 'Y' | 'X' | 'W' | 'V' | 'U' => 1900,
            'A'..='F' => 2000,
            other => {
                return Err(IdentityError::Character {
                    kind: KIND,
                    found: other,
                });
            }
        };
        let birth = (
            century + number(&d[4..6]) as u16,
            (d[2] * 10 + d[3]),
            (d[0] * 10 + d[1]),
        );
        if !date::is_real(birth.0, birth.1, birth.2) {
            return Err(IdentityError::Date { kind: KIND });
        }
        if number(&z) < 2 {
            return Err(IdentityError::Serial { kind: KIND });
        }
        let expected = CHECK_CHARS[(number(&[d.as_slice(), z.as_slice()].concat()) % 31) as usize];
        if chars[10] != char::from(expected) {
            return Err(IdentityError::CheckDigit { kind: KIND });
        }
        Ok(Self { text, birth })
    }

    /// The date of birth as (year, month, day).
    pub fn birth_date(&self) -> (u16, u8, u8) {
        self.birth
    }

    /// True for a temporary code (individual number 900–999).
    pub fn is_temporary(&self) -> bool {
        self.text.as_bytes()[7] == b'9'
    }

    /// The code in upper case.
    pub fn canonical(&self) -> String {
        self.text.clone()
    }
}

string_form!(Hetu);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_reference_example_and_errors() {
        let h = Hetu::parse("131052-308T").unwrap();
        assert_eq!(h.birth_date(), (1952, 10, 13));
        assert!(!h.is_temporary());
        assert!(matches!(
            Hetu::parse("131052-308U"),
            Err(IdentityError::CheckDigit { .. })
        ));
        assert!(matches!(
            Hetu::parse("131052G308T"),
            Err(IdentityError::Character { .. })
        ));
        assert!(matches!(
            Hetu::parse("311152-308T"),
            Err(IdentityError::Date { .. })
        ));
        assert!(matches!(
            Hetu::parse("131052-308"),
            Err(IdentityError::Length { .. })
        ));
        assert!(matches!(
            Hetu::parse("131052-0010"),
            Err(IdentityError::Serial { .. })
        ));
    }

    proptest! {
        #[test]
        fn every_century_sign_and_any_changed_digit(
            day in 1u8..=28, month in 1u8..=12, yy in 0u8..100, individual in 2u16..1000,
            sign in proptest::sample::select(vec!['+', '-', 'Y', 'X', 'W', 'V', 'U', 'A', 'B', 'C', 'D', 'E', 'F']),
            position in proptest::sample::select(vec![0usize, 1, 2, 3, 4, 5, 7, 8, 9]), delta in 1u8..10,
        ) {
            let body = format!("{day:02}{month:02}{yy:02}{individual:03}");
            let check = char::from(CHECK_CHARS[(body.parse::<u32>().unwrap() % 31) as usize]);
            let s = format!("{day:02}{month:02}{yy:02}{sign}{individual:03}{check}");
            let parsed = Hetu::parse(&s.to_ascii_lowercase()).unwrap();
            prop_assert_eq!(parsed.canonical(), s.clone());
            let century = match sign { '+' => 1800, 'A'..='F' => 2000, _ => 1900 };
            prop_assert_eq!(parsed.birth_date(), (century + u16::from(yy), month, day));

            let mut bytes = s.into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(Hetu::parse(&changed).is_err(), "{}", changed);
        }
    }
}
