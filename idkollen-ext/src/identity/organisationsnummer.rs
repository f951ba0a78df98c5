//! Swedish organisationsnummer.

use super::{IdentityError, digits, luhn, string_form};

const KIND: &str = "organisationsnummer";

/// A Swedish organisationsnummer: 10 digits whose third digit is at least 2 (which tells it
/// apart from a personnummer), with a Luhn check digit. Accepts `NNNNNN-NNNN`, `NNNNNNNNNN` and
/// the 12-digit form with the `16` prefix.
///
/// The canonical form is `NNNNNN-NNNN`.
///
/// ```
/// use idkollen_ext::identity::Organisationsnummer;
///
/// let org: Organisationsnummer = "5560360793".parse()?;
/// assert_eq!(org.to_string(), "556036-0793");
/// # Ok::<(), idkollen_ext::identity::IdentityError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Organisationsnummer {
    digits: [u8; 10],
}

impl Organisationsnummer {
    /// Parses an organisationsnummer.
    pub fn parse(s: &str) -> Result<Self, IdentityError> {
        let s = s.trim();
        let body: String = match s.len().checked_sub(5).map(|i| (i, s.as_bytes()[i])) {
            Some((i, b'-')) => format!("{}{}", &s[..i], &s[i + 1..]),
            _ => s.to_string(),
        };
        let d = digits(&body).ok_or_else(|| IdentityError::Character {
            kind: KIND,
            found: body.chars().find(|c| !c.is_ascii_digit()).unwrap_or('?'),
        })?;
        let d = match d.len() {
            10 => &d[..],
            12 if d[..2] == [1, 6] => &d[2..],
            n => {
                return Err(IdentityError::Length {
                    kind: KIND,
                    expected: "10 digits (or 12 with the prefix 16)",
                    found: n,
                });
            }
        };
        if d[2] < 2 {
            return Err(IdentityError::Kind {
                kind: KIND,
                reason: "the third digit must be at least 2",
            });
        }
        if !luhn::is_valid(d) {
            return Err(IdentityError::CheckDigit { kind: KIND });
        }
        let mut digits = [0; 10];
        digits.copy_from_slice(d);
        Ok(Self { digits })
    }

    /// `NNNNNN-NNNN`.
    pub fn canonical(&self) -> String {
        let s: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        format!("{}-{}", &s[..6], &s[6..])
    }
}

string_form!(Organisationsnummer);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn known_numbers_and_errors() {
        for s in ["556036-0793", "5560360793", "165560360793"] {
            assert_eq!(
                Organisationsnummer::parse(s).unwrap().canonical(),
                "556036-0793",
                "{s}"
            );
        }
        assert!(matches!(
            Organisationsnummer::parse("556036-0794"),
            Err(IdentityError::CheckDigit { .. })
        ));
        assert!(matches!(
            Organisationsnummer::parse("811228-9874"),
            Err(IdentityError::Kind { .. })
        ));
        assert!(matches!(
            Organisationsnummer::parse("55603607"),
            Err(IdentityError::Length { .. })
        ));
        assert!(matches!(
            Organisationsnummer::parse("55603x0793"),
            Err(IdentityError::Character { .. })
        ));
    }

    proptest! {
        #[test]
        fn every_valid_number_parses_and_any_changed_digit_is_caught(
            body in proptest::collection::vec(0u8..10, 9), third in 2u8..10, position in 0usize..10, delta in 1u8..10,
        ) {
            let mut body = body;
            body[2] = third;
            let mut all = body.clone();
            all.push(luhn::check_digit(&body));
            let s: String = all.iter().map(|d| char::from(b'0' + d)).collect();
            let parsed = Organisationsnummer::parse(&s).unwrap();
            prop_assert_eq!(parsed.canonical().replace('-', ""), s.clone());
            let mut changed = all.clone();
            changed[position] = (changed[position] + delta) % 10;
            let changed: String = changed.iter().map(|d| char::from(b'0' + d)).collect();
            prop_assert!(Organisationsnummer::parse(&changed).is_err(), "{}", changed);
        }
    }
}
